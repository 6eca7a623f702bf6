from odoo import fields, models
from odoo.exceptions import AccessError


class TrainingFamilyAnonymize(models.TransientModel):
    """Anonymise a family on request (PIPL art. 47): the chosen contacts, the
    students and guardians linked to them, and their leads lose their personal
    data; enrolments, amounts, payments, follow-up counts and dates stay, so
    the school's figures do not change. Everything is written in batches."""

    _name = "training.family.anonymize"
    _description = "Anonymise a Family"

    partner_ids = fields.Many2many("res.partner", string="Contacts", required=True)
    reason = fields.Text(required=True, help="The request, e.g. the guardian's written request.")

    # Personal fields of contacts and leads, emptied when the model has them
    # (training_wechat comes with the WeChat part, where installed).
    PARTNER_FIELDS = (
        "phone", "mobile", "email", "website", "street", "street2", "zip", "city",
        "state_id", "comment", "function", "vat", "ref", "image_1920", "title",
        "training_birthdate", "training_wechat",
    )  # fmt: skip
    LEAD_FIELDS = (
        "contact_name", "partner_name", "email_from", "email_cc", "phone", "mobile",
        "website", "street", "street2", "zip", "city", "state_id", "description",
        "function", "title", "training_wechat",
    )  # fmt: skip

    def _check_rights(self):
        user = self.env.user
        if not (
            user.has_group("training_crm.group_supervisor")
            or user.has_group("sales_team.group_sale_manager")
        ):
            raise AccessError(
                self.env._("Only supervisors and Sales Administrators anonymise families.")
            )

    def _get_family(self):
        """The chosen contacts, their students and guardians, and the other
        guardians of those students: two steps of the relation, in two reads."""
        Guardian = self.env["training.guardian"].sudo()
        partners = self.partner_ids.sudo()
        for _step in range(2):
            relations = Guardian.search(
                ["|", ("student_id", "in", partners.ids), ("guardian_id", "in", partners.ids)]
            )
            partners |= relations.student_id | relations.guardian_id
        return partners

    def action_anonymize(self):
        self.ensure_one()
        self._check_rights()
        self.partner_ids.check_access("write")
        family = self._get_family()
        leads = (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", family.ids)])
        )
        quiet = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}
        # Contacts: one write for all (the name says what happened, no one's).
        partner_vals = {fname: False for fname in self.PARTNER_FIELDS if fname in family._fields}
        partner_vals.update(name=self.env._("Anonymised contact"), training_anonymized=True)
        family.with_context(**quiet).write(partner_vals)
        # Leads: the same, their title included.
        followups = self.env["training.crm.followup"].sudo()
        if leads:
            lead_vals = {fname: False for fname in self.LEAD_FIELDS if fname in leads._fields}
            lead_vals["name"] = self.env._("Anonymised lead")
            leads.with_context(**quiet).write(lead_vals)
            followups = (
                self.env["training.crm.followup"]
                .sudo()
                .with_context(active_test=False)
                .search([("lead_id", "in", leads.ids)])
            )
            # A follow-up needs a note: what was said goes, that it was said stays.
            followups.with_context(**quiet).write({"note": self.env._("(anonymised)")})
        # Chatter: bodies and tracked values of the family's records. Enrolments
        # keep their messages (amounts, states) but lose values naming people.
        consents = (
            self.env["training.guardian.consent"]
            .sudo()
            .with_context(active_test=False)
            .search([("student_id", "in", family.ids)])
        )
        consents.with_context(**quiet).write({"document": False, "note": False})
        Message = self.env["mail.message"].sudo()
        personal = Message.search(
            [
                "|",
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", family.ids),
                "&",
                ("model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                "|",
                "&",
                ("model", "=", "training.guardian.consent"),
                ("res_id", "in", consents.ids),
                "&",
                ("model", "=", "training.crm.followup"),
                ("res_id", "in", followups.ids),
            ]
        )
        personal.write({"body": False, "subject": False, "email_from": False})
        personal.attachment_ids.unlink()
        # Planned activities keep their type and date, not what they say.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    "|",
                    "&",
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", family.ids),
                    "&",
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "in", leads.ids),
                ]
            )
        )
        activities.write({"summary": False, "note": False})
        enrollments = (
            self.env["training.enrollment"]
            .sudo()
            .search(["|", ("partner_id", "in", family.ids), ("payer_id", "in", family.ids)])
        )
        enrollment_messages = Message.search(
            [("model", "=", "training.enrollment"), ("res_id", "in", enrollments.ids)]
        )
        (personal | enrollment_messages).tracking_value_ids.write(
            {
                "old_value_char": False,
                "new_value_char": False,
                "old_value_text": False,
                "new_value_text": False,
            }
        )
        self.env["training.family.anonymization"].sudo().create(
            {
                "reason": self.reason,
                "user_id": self.env.user.id,
                "partner_ids": [fields.Command.set(family.ids)],
                "partner_count": len(family),
                "lead_count": len(leads),
            }
        )
        return {"type": "ir.actions.act_window_close"}
