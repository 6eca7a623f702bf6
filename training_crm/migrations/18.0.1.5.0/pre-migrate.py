"""Enrolments now keep the day they were cancelled (commissions claw back in
its period). Cancelled enrolments of before get the day they were last
changed, which is when they were cancelled unless edited since; creating the
column here keeps the ORM from dating them all today."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE training_enrollment ADD COLUMN IF NOT EXISTS cancel_date date")
    cr.execute(
        "UPDATE training_enrollment SET cancel_date = write_date::date "
        "WHERE state = 'cancelled' AND cancel_date IS NULL"
    )
