import re
from datetime import datetime, time

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import email_normalize

# The number fields a consultant reads masked on a pool lead, and how each is masked.
MASKED_FIELDS = {
    "phone": "phone",
    "mobile": "phone",
    "email_from": "email",
    "training_wechat": "wechat",
    # The normalised keys give the number away as well as the number itself.
    "phone_sanitized": "phone",
    "phone_other_sanitized": "phone",
    "email_normalized": "email",
    "training_wechat_normalized": "wechat",
}
# Fields a consultant cannot find pool leads by: searching by a full number
# would confirm it. Number searches are answered by the duplicate look-up.
GUARDED_SEARCH_FIELDS = frozenset(MASKED_FIELDS) | {"phone_mobile_search", "email_domain_criterion"}
# The fields a form sends back as it read them: what a consultant saves must not
# overwrite the real number with its mask.
WRITABLE_MASKED_FIELDS = ("phone", "mobile", "email_from", "training_wechat")
PHONE_FILLER_RE = re.compile(r"[\s\-().]")


def mask_phone(value):
    """138****8000: the operator prefix and the last four digits, which staff
    read aloud to tell numbers apart, and nothing a customer could be called on."""
    compact = PHONE_FILLER_RE.sub("", value)
    prefix = ""
    if compact.startswith("+86") and len(compact) > 11:
        prefix, compact = "+86 ", compact[3:]
    if len(compact) >= 9:
        return f"{prefix}{compact[:3]}****{compact[-4:]}"
    if len(compact) >= 5:
        return f"{prefix}{compact[:1]}****{compact[-2:]}"
    return "****"


def mask_email(value):
    """z***@qq.com: the first letter and the domain."""
    local, at, domain = value.strip().rpartition("@")
    if not at:
        return mask_wechat(value)
    return f"{local[:1]}***@{domain}"


def mask_wechat(value):
    value = value.strip()
    return f"{value[:1]}****{value[-1:]}" if len(value) >= 3 else "****"


MASKERS = {"phone": mask_phone, "email": mask_email, "wechat": mask_wechat}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # ------------------------------------------------------------
    # SECURITY: number masking (号码脱敏)
    # ------------------------------------------------------------

    training_reveal_ids = fields.One2many(
        "training.crm.reveal", "lead_id", string="Number Reveals", readonly=True
    )
    training_numbers_masked = fields.Boolean(
        compute="_compute_training_numbers_masked",
        string="Numbers Masked",
        help="The lead's numbers are masked for you: it is in the pool. Reveal shows them.",
    )
    # Set by imports: "the collisions of my last import" are found by it.
    training_imported = fields.Boolean(
        string="Imported", readonly=True, copy=False, help="The lead was created by an import."
    )

    @api.depends("user_id")
    @api.depends_context("uid")
    def _compute_training_numbers_masked(self):
        masked = self._training_get_masked() if self._training_masks_numbers() else self.browse()
        for lead in self:
            lead.training_numbers_masked = lead._origin in masked

    @api.model
    def _training_masks_numbers(self):
        """Does the current user read pool leads' numbers masked? Consultants
        do; supervisors (Sales Administrators among them) and auditors, who read
        every lead anyway, do not; nor salespeople without a Training CRM role
        (stock behaviour). No query: groups and parameters are cached."""
        if self.env.su:
            return False
        user = self.env.user
        return (
            user.has_group("training_crm.group_consultant")
            and not user._is_training_supervisor()
            and not user.has_group("training_crm.group_auditor")
            and self._get_bool_param("training_crm.pool_masking", True)
        )

    def _training_get_masked(self):
        """The leads among self whose numbers the current user reads masked:
        the unowned ones (the pool, and unowned lost leads, which can come back
        to it) the user has not revealed today. The owner is read from the
        cache, or for the whole batch at once; reveals in one query."""
        pool = self._origin.filtered(lambda lead: lead.id and not lead.user_id)
        if not pool:
            return pool
        self.env["training.crm.reveal"].flush_model(["lead_id", "user_id", "date"])
        self.env.cr.execute(
            "SELECT lead_id FROM training_crm_reveal "
            "WHERE lead_id = ANY(%s) AND user_id = %s AND date >= %s",
            (pool.ids, self.env.uid, self._training_get_day_start()),
        )
        revealed = {row[0] for row in self.env.cr.fetchall()}
        return pool.filtered(lambda lead: lead.id not in revealed)

    @api.model
    def _training_get_day_start(self):
        """The start of the user's local day, in UTC: reveals last until it ends."""
        tz = self._get_training_tz()
        return (
            tz.localize(datetime.combine(self._get_training_today(), time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )

    @api.model
    def _training_get_unmasked_domain(self):
        """The leads whose numbers the user may search by: their own (owned
        leads are their own, to a consultant) and those revealed to them today."""
        return [
            "|",
            ("user_id", "!=", False),
            (
                "training_reveal_ids",
                "any",
                [("user_id", "=", self.env.uid), ("date", ">=", self._training_get_day_start())],
            ),
        ]

    def _read_format(self, fnames, load="_classic_read"):
        """read, search_read, web_read and web_search_read all format here."""
        result = super()._read_format(fnames, load=load)
        masked_fnames = [fname for fname in fnames if fname in MASKED_FIELDS]
        if not masked_fnames or not result or not self._training_masks_numbers():
            return result
        masked_ids = set(self._training_get_masked().ids)
        if not masked_ids:
            return result
        for vals in result:
            if vals.get("id") in masked_ids:
                for fname in masked_fnames:
                    if vals.get(fname):
                        vals[fname] = MASKERS[MASKED_FIELDS[fname]](vals[fname])
        return result

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        """Exports read records' values from the cache: the masked values are
        put there for the export, and the real ones read back after it."""
        masked_fnames = list({path[0] for path in fields if path and path[0] in MASKED_FIELDS})
        if not _is_toplevel_call or not masked_fnames or not self._training_masks_numbers():
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        masked = self._training_get_masked()
        if not masked:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        # Pending writes first: the masks must not stand in for unsaved values.
        masked.flush_recordset(masked_fnames)
        masked.fetch(masked_fnames)
        for fname in masked_fnames:
            field = self._fields[fname]
            mask = MASKERS[MASKED_FIELDS[fname]]
            self.env.cache.update(
                masked, field, [lead[fname] and mask(lead[fname]) for lead in masked]
            )
        try:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        finally:
            masked.invalidate_recordset(masked_fnames, flush=False)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """A consultant's search by number finds their own leads and the leads
        revealed to them, not the pool: the look-up answers for the pool."""
        if domain and self._training_masks_numbers():
            domain = self._training_guard_number_domain(domain)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _training_guard_number_domain(self, domain):
        guard = None
        new_domain = []
        for leaf in expression.normalize_domain(domain):
            if (
                isinstance(leaf, (list, tuple))
                and len(leaf) == 3
                and isinstance(leaf[0], str)
                and leaf[0].split(".")[0] in GUARDED_SEARCH_FIELDS
            ):
                if guard is None:
                    guard = self._training_get_unmasked_domain()
                new_domain += ["&", tuple(leaf), *guard]
            else:
                new_domain.append(leaf)
        return new_domain if guard is not None else domain

    @api.model
    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        """Grouping the pool by number would list the numbers: a consultant's
        groups by number count only the leads they may see the numbers of."""
        specs = [*groupby, *aggregates]
        if (
            any(spec.split(":")[0].split(".")[0] in GUARDED_SEARCH_FIELDS for spec in specs)
            and self._training_masks_numbers()
        ):
            domain = expression.AND([domain or [], self._training_get_unmasked_domain()])
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )

    def write(self, vals):
        """A consultant saving a pool lead's form sends back its masked numbers
        only when they typed over them: a value equal to the mask is not a new
        number, and never replaces the real one."""
        if (
            any(fname in vals for fname in WRITABLE_MASKED_FIELDS)
            and self._training_masks_numbers()
        ):
            masked = self._training_get_masked()
            if masked:
                kept = {}
                for lead in masked:
                    drop = tuple(
                        fname
                        for fname in WRITABLE_MASKED_FIELDS
                        if fname in vals
                        and vals[fname]
                        and lead[fname]
                        and vals[fname] == MASKERS[MASKED_FIELDS[fname]](lead[fname])
                    )
                    if drop:
                        kept.setdefault(drop, self.browse())
                        kept[drop] |= lead
                if kept:
                    rest = self
                    for drop, leads in kept.items():
                        rest -= leads
                        leads_vals = {k: v for k, v in vals.items() if k not in drop}
                        if leads_vals:
                            super(CrmLead, leads).write(leads_vals)
                    if rest:
                        super(CrmLead, rest).write(vals)
                    return True
        return super().write(vals)

    def copy_data(self, default=None):
        """A copy of a pool lead made by a consultant would be theirs to read:
        it does not carry the numbers they may not see."""
        vals_list = super().copy_data(default=default)
        if self._training_masks_numbers():
            masked = self._training_get_masked()
            for lead, vals in zip(self, vals_list, strict=True):
                if lead in masked:
                    for fname in WRITABLE_MASKED_FIELDS:
                        if fname not in (default or {}):
                            vals[fname] = False
        return vals_list

    def merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True):
        """Merging keeps the first number found: a consultant merging a pool
        lead into their own would read its number. Claim or reveal it first."""
        if self._training_masks_numbers() and self._training_get_masked():
            raise UserError(
                self.env._(
                    "The numbers of a pool lead are masked for you: claim it or reveal its "
                    "numbers before merging it."
                )
            )
        return super().merge_opportunity(user_id=user_id, team_id=team_id, auto_unlink=auto_unlink)

    def _create_customer(self):
        """Converting a pool lead creates its customer with the lead's numbers,
        a contact the consultant reads in full: claim or reveal the lead first."""
        if self._training_masks_numbers() and self._training_get_masked():
            raise UserError(
                self.env._(
                    "The numbers of a pool lead are masked for you: claim it or reveal its "
                    "numbers before creating its customer."
                )
            )
        return super()._create_customer()

    def _message_get_suggested_recipients(self):
        """The chatter suggests writing to the lead's e-mail address: not a
        masked one (a known contact is suggested as before)."""
        recipients = super()._message_get_suggested_recipients()
        if self._training_masks_numbers() and self._training_get_masked():
            customer = self.partner_id.id
            recipients = [
                recipient
                for recipient in recipients
                if customer and recipient.get("partner_id") == customer
            ]
        return recipients

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("import_file"):
            for vals in vals_list:
                vals["training_imported"] = True
        return super().create(vals_list)

    # ------------------------------------------------------------
    # ACTIONS: Reveal, the duplicate look-up, import collisions
    # ------------------------------------------------------------

    def action_training_reveal(self):
        """Show one pool lead's numbers to the consultant for the rest of their
        day: logged (who, when), and capped per day like claims."""
        self.ensure_one()
        if not self.env.user.has_group("training_crm.group_consultant"):
            raise AccessError(self.env._("Only consultants can reveal a lead's numbers."))
        if not self._training_filtered_readable():
            raise AccessError(self.env._("This lead is not yours to read."))
        if self._training_masks_numbers() and self._training_get_masked():
            limit = self._get_int_param("training_crm.reveal_daily_limit", 0)
            if limit:
                revealed = (
                    self.env["training.crm.reveal"]
                    .sudo()
                    .search_count(
                        [
                            ("user_id", "=", self.env.uid),
                            ("date", ">=", self._training_get_day_start()),
                        ]
                    )
                )
                if revealed >= limit:
                    raise UserError(
                        self.env._(
                            "You have revealed the numbers of %(count)s leads today, the daily "
                            "limit: claim the leads you call.",
                            count=revealed,
                        )
                    )
            self.env["training.crm.reveal"].sudo().create(
                {"lead_id": self.id, "user_id": self.env.uid}
            )
            self.invalidate_recordset(["training_numbers_masked"])
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _training_lookup_person(self, query):
        """The masked duplicate look-up (查重): is the person behind a phone
        number or e-mail address new, in the user's pool, or owned (by whom)?
        Same person as collisions (撞单) decide it: the same normalised number or
        e-mail on an open lead. Answers name the owner only; a lead is given
        only when the user may open it."""
        if not (
            self.env.user.has_group("training_crm.group_consultant")
            or self.env.user.has_group("training_crm.group_auditor")
        ):
            raise AccessError(self.env._("Only consultants can look up a person."))
        query = (query or "").strip()
        if not query:
            raise UserError(self.env._("Type a phone number or an e-mail address to look up."))
        if "@" in query:
            email = email_normalize(query)
            if not email:
                raise UserError(self.env._("%(query)s is not a valid e-mail address.", query=query))
            probe_vals = {"email_from": email}
        else:
            if not re.fullmatch(r"\+?\d{5,20}", PHONE_FILLER_RE.sub("", query)):
                raise UserError(
                    self.env._(
                        "%(query)s is neither a phone number nor an e-mail address.",
                        query=query,
                    )
                )
            probe_vals = {"phone": query}
        team = self.env.user.sale_team_id
        probe = self.new(dict(probe_vals, team_id=team.id, user_id=False))
        keys = probe._get_person_keys()
        if not keys:
            raise UserError(
                self.env._(
                    "%(query)s cannot be read as a phone number: type it with its country "
                    "code (+86…).",
                    query=query,
                )
            )
        leads = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                expression.AND(
                    [
                        self._get_open_domain(),
                        [("company_id", "in", [*self.env.companies.ids, False])],
                        self._get_person_domain(keys),
                    ]
                ),
                order="id",
            )
        )
        user = self.env.user
        mine = leads.filtered(lambda lead: lead.user_id == user)
        owned = leads.filtered(lambda lead: lead.user_id and lead.user_id != user)
        pool = leads.filtered(lambda lead: not lead.user_id)
        my_pool = pool.filtered(lambda lead: not lead.team_id or lead.team_id in user.crm_team_ids)
        if mine:
            result, found = "mine", mine
        elif owned:
            result, found = "owned", owned
        elif my_pool:
            result, found = "pool", my_pool
        elif pool:
            result, found = "other_pool", pool
        else:
            result, found = "new", leads
        readable = found.with_env(self.env)._training_filtered_readable()
        return {
            "result": result,
            "owner_names": ", ".join(owned.user_id.sorted("name").mapped("name"))
            if result == "owned"
            else False,
            "lead": readable[:1],
        }

    @api.model
    def action_view_training_import_collisions(self):
        """The rows of the user's last import that collided (撞单) with a
        colleague's lead: a list to check, and to export."""
        last = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [("training_imported", "=", True), ("create_uid", "=", self.env.uid)],
                order="create_date desc, id desc",
                limit=1,
            )
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.crm_lead_action_training_import_collisions"
        )
        action["domain"] = [
            ("training_imported", "=", True),
            ("create_uid", "=", self.env.uid),
            ("create_date", "=", last.create_date or False),
            ("has_collision", "=", True),
        ]
        return action
