from odoo import fields, models


class TrainingCrmLookup(models.TransientModel):
    """The masked duplicate look-up (查重): before typing a person in, or to
    check a number a family gave, a consultant learns whether the person is
    new, in their pool, or owned, and by whom; never a colleague's lead."""

    _name = "training.crm.lookup"
    _description = "Duplicate Look-up"

    query = fields.Char(
        string="Phone or E-mail",
        help="A phone number in any format (138 0013 8000, +86…) or an e-mail address.",
    )
    result = fields.Selection(
        [
            ("new", "New: nobody follows this person"),
            ("mine", "Yours: you already follow this person"),
            ("pool", "In your pool: claim the lead rather than create one"),
            ("other_pool", "In another team's pool"),
            ("owned", "Owned by a colleague"),
        ],
        readonly=True,
    )
    owner_names = fields.Char(string="Followed By", readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True)

    def action_lookup(self):
        self.ensure_one()
        answer = self.env["crm.lead"]._training_lookup_person(self.query)
        self.write(
            {
                "result": answer["result"],
                "owner_names": answer["owner_names"],
                "lead_id": answer["lead"].id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Duplicate Look-up"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_lead(self):
        self.ensure_one()
        self.lead_id.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
        }
