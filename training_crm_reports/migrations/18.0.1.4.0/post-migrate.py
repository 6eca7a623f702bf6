"""Statements now keep the basis they were computed on; the ones before
counted confirmed enrolments."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE training_commission_statement SET basis = 'confirmed' WHERE basis IS NULL")
