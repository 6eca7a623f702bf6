from odoo import api, fields, models
from odoo.tools import SQL

VALUE_GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")]


class TrainingValueGradeHistory(models.Model):
    """One change of a contact's customer value grade (seed 004: quarterly
    review), with the figures it was computed from. Written by the system
    only (one create a batch) when a recomputation changes a grade: the grade
    on the contact is the current one, these rows are every previous one."""

    _name = "training.value.grade.history"
    _description = "Customer Value Grade Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    date = fields.Date(required=True, readonly=True, index=True, default=fields.Date.context_today)
    old_grade = fields.Selection(VALUE_GRADES, readonly=True)
    new_grade = fields.Selection(VALUE_GRADES, readonly=True, index=True)
    origin = fields.Selection(
        [("cron", "Scheduled Action"), ("manual", "Recomputed by Hand")],
        required=True,
        readonly=True,
        default="manual",
    )
    user_id = fields.Many2one(
        "res.users", string="Triggered By", readonly=True, default=lambda self: self.env.user
    )
    # The figures the new grade was computed from, as they were that day.
    currency_id = fields.Many2one(
        "res.currency", readonly=True, default=lambda self: self.env.company.currency_id
    )
    amount = fields.Monetary(string="Enrolled Amount", readonly=True)
    enrollment_count = fields.Integer(string="Enrolments", readonly=True)
    tenure_months = fields.Integer(string="Tenure (months)", readonly=True)

    @api.model
    def action_training_recompute_value_grades(self):
        """The list's button (supervisors): every grade recomputed now."""
        return self.env["res.partner"].action_training_recompute_value_grades()

    @api.model
    def _insert_rows(self, rows):
        """Insert history rows (dicts of partner_id, date, old_grade,
        new_grade, origin, amount, enrollment_count, tenure_months) in one
        statement: the quarterly run writes up to one per contact, and the
        ORM's create costs close to a millisecond a row (defaults, caches).
        The model has no computed field, no chatter, nothing to trigger."""
        columns = [
            "partner_id",
            "date",
            "old_grade",
            "new_grade",
            "origin",
            "amount",
            "enrollment_count",
            "tenure_months",
        ]
        types = ["int4", "date", "varchar", "varchar", "varchar", "numeric", "int4", "int4"]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO training_value_grade_history
                       (%(columns)s, user_id, currency_id,
                        create_uid, create_date, write_uid, write_date)
                SELECT *, %(uid)s, %(currency)s,
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(arrays)s)
                """,
                columns=SQL(", ").join(SQL.identifier(column) for column in columns),
                uid=self.env.uid,
                currency=self.env.company.currency_id.id,
                arrays=SQL(", ").join(
                    SQL("%s::%s[]", [row[column] or None for row in rows], SQL(kind))
                    for column, kind in zip(columns, types, strict=True)
                ),
            )
        )
        self.invalidate_model()
