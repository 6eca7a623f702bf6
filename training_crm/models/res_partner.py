from odoo import api, fields, models
from odoo.tools import SQL


class _VisibleContacts(SQL):
    """The condition of the consultants' rule on contacts, as a domain value:
    res.partner._condition_to_sql renders it with the alias the contacts'
    table has in the query at hand (its own name, or a join's alias when
    another model reaches contacts, e.g. users through _inherits). Rendered
    any other way, it selects nothing: it fails closed."""

    __slots__ = ("render",)

    def __init__(self, render):
        super().__init__("SELECT NULL WHERE FALSE")
        self.render = render


class ResPartner(models.Model):
    _inherit = "res.partner"

    training_wechat = fields.Char(string="WeChat ID", help="The person's WeChat ID (微信号).")
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

        Built as subqueries correlated with the contact being checked, not as
        ids: the rule runs on every read of a contact, chatter included, and
        costs an index lookup per contact checked, whatever the database's size."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on contact visibility."))
        positive = (operator == "=") == value
        user = self.env.user
        if user.has_group("training_crm.group_supervisor") or user.has_group(
            "training_crm.group_auditor"
        ):
            return [(1, "=", 1)] if positive else [(0, "=", 1)]
        # Without superuser: the user's own record rules decide what is readable.
        env = self.env(su=False)
        relations = self._training_customer_relations()

        def render(partner_id):
            customers, readable = [], []
            for model, fname in relations:
                Model = env[model].with_context(active_test=False)
                column = SQL.identifier(Model._table, fname)
                for sqls, query in (
                    (customers, Model.sudo()._search([(fname, "!=", False)])),
                    (readable, Model._search([(fname, "!=", False)])),
                ):
                    query.add_where(SQL("%s = %s", column, partner_id))
                    sqls.append(SQL("%s IN (%s)", partner_id, query.subselect(column)))
            return SQL(
                "(NOT (%s) OR %s OR %s IN (SELECT partner_id FROM res_users) "
                "OR %s IN (SELECT partner_id FROM res_company))",
                SQL(" OR ").join(customers),
                SQL(" OR ").join(readable),
                partner_id,
                partner_id,
            )

        return [("id", "in" if positive else "not in", _VisibleContacts(render))]

    def _condition_to_sql(self, alias, fname, operator, value, query):
        if fname == "id" and isinstance(value, _VisibleContacts):
            condition = value.render(SQL.identifier(alias, "id"))
            return condition if operator == "in" else SQL("(NOT %s)", condition)
        return super()._condition_to_sql(alias, fname, operator, value, query)

    @api.model
    def _training_customer_relations(self):
        """(model, many2one field to res.partner) pairs that make a contact
        somebody's customer: the lead's customer here; enrolments, students,
        guardians and complaints add theirs. A contact related to none of them
        is visible to every consultant; otherwise to readers of one record."""
        return [("crm.lead", "partner_id")]
