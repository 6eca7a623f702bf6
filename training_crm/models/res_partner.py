from odoo import api, fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    # What the consultants' record rule on contacts reads: see _search_training_visible.
    training_visible = fields.Boolean(
        compute="_compute_training_visible",
        search="_search_training_visible",
        string="Visible to Me (Training CRM)",
    )

    @api.depends_context("uid")
    def _compute_training_visible(self):
        # Record rules are checked in Python on records already read
        # (filtered_domain): one search for the batch, the same definition.
        visible_ids = set(
            self.sudo()
            .with_context(active_test=False)
            .search([("id", "in", self.ids), ("training_visible", "=", True)])
            .ids
        )
        for partner in self:
            partner.training_visible = partner.id in visible_ids

    def _search_training_visible(self, operator, value):
        """Contacts a user may see (seed 001 §8, SPEC 7): any contact that is
        nobody's customer (vendors, the company's own contacts, whatever other
        apps create), the users' and the companies' partners, and the customers
        of records the user may read. A customer only of records the user may
        not read (another consultant's leads, another team's pool) is hidden.

        Built as correlated subqueries, not as ids: the rule runs on every read
        of a contact, chatter included, and costs an index lookup per contact
        checked, whatever the size of the database."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on contact visibility."))
        user = self.env.user
        if user.has_group("training_crm.group_supervisor") or user.has_group(
            "training_crm.group_auditor"
        ):
            domain = [(1, "=", 1)]
        else:
            customers, readable = [], []
            # Without superuser: the user's own record rules decide what is readable.
            env = self.env(su=False)
            for model, fname in self._training_customer_relations():
                Model = env[model].with_context(active_test=False)
                column = SQL.identifier(Model._table, fname)
                for queries, query in (
                    (customers, Model.sudo()._search([(fname, "!=", False)])),
                    (readable, Model._search([(fname, "!=", False)])),
                ):
                    # Correlated with the contact being checked: PostgreSQL looks
                    # the contact up in the relation's index instead of reading
                    # every customer of the database for each query. Record rules
                    # apply to their model's own table, aliased by its name.
                    query.add_where(SQL("%s = %s", column, SQL.identifier(self._table, "id")))
                    queries.append(query.subselect(column))
            union = SQL(" UNION ALL ")
            domain = [
                "|",
                "|",
                "|",
                ("id", "not in", SQL("(%s)", union.join(SQL("(%s)", q) for q in customers))),
                ("id", "in", SQL("(%s)", union.join(SQL("(%s)", q) for q in readable))),
                ("id", "in", SQL("(SELECT partner_id FROM res_users)")),
                ("id", "in", SQL("(SELECT partner_id FROM res_company)")),
            ]
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    @api.model
    def _training_customer_relations(self):
        """(model, many2one field to res.partner) pairs that make a contact
        somebody's customer: the lead's customer here; enrolments, students,
        guardians and complaints add theirs. A contact related to none of them
        is visible to every consultant; otherwise to readers of one record."""
        return [("crm.lead", "partner_id")]
