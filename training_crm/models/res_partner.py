import threading
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .training_value_grade_history import VALUE_GRADES

# Contacts whose value grade one batch of the quarterly recomputation handles.
VALUE_BATCH_SIZE = 5000
# Default thresholds (CNY, enrolments, months since the first) for A, B and C.
VALUE_GRADE_DEFAULTS = (
    ("A", (30000, 3, 24)),
    ("B", (10000, 2, 12)),
    ("C", (1, 1, 0)),
)


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

    # Lesson hours (消课) of the student's enrolments being studied.
    training_hours_remaining = fields.Float(
        compute="_compute_training_hours_remaining",
        digits=(16, 1),
        string="Lesson Hours Left",
        help="Lesson hours bought and not consumed yet, over the student's enrolments "
        "that are enrolled or studying (those the user may read).",
    )

    @api.depends_context("uid")
    def _compute_training_hours_remaining(self):
        Enrollment = self.env["training.enrollment"]
        hours = {}
        if self.ids and Enrollment.has_access("read"):
            hours = dict(
                Enrollment._read_group(
                    [("partner_id", "in", self.ids), ("state", "in", ("enrolled", "studying"))],
                    ["partner_id"],
                    ["hours_remaining:sum"],
                )
            )
        for partner in self:
            partner.training_hours_remaining = hours.get(partner._origin, 0.0)

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
                searches = [(customers, Model.sudo()._search([(fname, "!=", False)]))]
                # An adviser who is no consultant reads no lead: none is theirs.
                if Model.has_access("read"):
                    searches.append((readable, Model._search([(fname, "!=", False)])))
                for sqls, query in searches:
                    query.add_where(SQL("%s = %s", column, partner_id))
                    sqls.append(SQL("%s IN (%s)", partner_id, query.subselect(column)))
            return SQL(
                "(NOT (%s) OR %s OR %s IN (SELECT partner_id FROM res_users) "
                "OR %s IN (SELECT partner_id FROM res_company))",
                SQL(" OR ").join(customers),
                SQL(" OR ").join(readable or [SQL("FALSE")]),
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
        return [
            ("crm.lead", "partner_id"),
            ("training.enrollment", "partner_id"),
            ("training.enrollment", "payer_id"),
            ("training.guardian", "student_id"),
            ("training.guardian", "guardian_id"),
            ("crm.lead", "referred_by_id"),
        ]

    # ------------------------------------------------------------
    # REFERRALS (转介绍): the leads a contact referred, their rewards
    # ------------------------------------------------------------

    training_referral_lead_ids = fields.One2many(
        "crm.lead", "referred_by_id", string="Referred Leads"
    )
    training_referral_count = fields.Integer(
        string="Referrals",
        compute="_compute_training_referral_count",
        help="Leads this contact referred, among those you may read.",
    )
    # Computed with the reader's rules, not a one2many: its cached value is the
    # transaction's, whoever read it first (a consultant sees the rewards of
    # their own leads only).
    training_referral_reward_ids = fields.Many2many(
        "training.referral.reward",
        string="Referral Rewards",
        compute="_compute_training_referral_reward_ids",
        help="The rewards due, given or expired for this contact's referrals, among those "
        "you may read.",
    )

    @api.depends_context("uid")
    def _compute_training_referral_count(self):
        """Within the user's own rights, never as superuser: a consultant counts
        the referrals of the leads they may read, not their colleagues'."""
        Lead = self.env["crm.lead"]
        counts = {}
        if self.ids and Lead.has_access("read"):
            counts = dict(
                Lead.with_context(active_test=False)._read_group(
                    [("referred_by_id", "in", self.ids)], ["referred_by_id"], ["__count"]
                )
            )
        for partner in self:
            partner.training_referral_count = counts.get(partner._origin, 0)

    @api.depends_context("uid")
    def _compute_training_referral_reward_ids(self):
        Reward = self.env["training.referral.reward"]
        rewards = Reward
        if self.ids and Reward.has_access("read"):
            rewards = Reward.search([("referrer_id", "in", self.ids)])
        for partner in self:
            partner.training_referral_reward_ids = rewards.filtered(
                lambda reward, partner=partner: reward.referrer_id == partner._origin
            )

    def action_view_training_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.crm_lead_action_referrals"
        )
        action["domain"] = [("referred_by_id", "=", self.id)]
        action["context"] = {
            "default_referred_by_id": self.id,
            "active_test": False,
            "search_default_salesperson": False,
        }
        return action

    # ------------------------------------------------------------
    # VALUE GRADE (客户分级, seed 001 三, seed 004)
    # ------------------------------------------------------------

    training_value_grade = fields.Selection(
        VALUE_GRADES,
        string="Value Grade",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Customer value grade of the family, from the non-cancelled enrolments of the "
        "contact and of the students they are a guardian or the payer of: the highest grade "
        "whose every threshold (amount, enrolments, months since the first one) is met, D "
        "otherwise; empty without enrolments. Recomputed every quarter.",
    )
    training_value_grade_date = fields.Date(string="Value Grade Since", readonly=True, copy=False)
    training_value_grade_history_ids = fields.One2many(
        "training.value.grade.history", "partner_id", string="Value Grade History"
    )

    @api.model
    def _get_training_value_thresholds(self):
        """(grade, minimum amount, minimum enrolments, minimum months) for A, B
        and C, strictest first, from Settings; D is the rest."""
        Lead = self.env["crm.lead"]
        return [
            (
                grade,
                *(
                    Lead._get_int_param(f"training_crm.value_{grade.lower()}_{key}", default)
                    for key, default in zip(("amount", "count", "months"), defaults, strict=True)
                ),
            )
            for grade, defaults in VALUE_GRADE_DEFAULTS
        ]

    @api.model
    def _get_training_value_grade(self, thresholds, amount, count, months):
        """The highest grade whose every threshold the figures meet."""
        for grade, min_amount, min_count, min_months in thresholds:
            if amount >= min_amount and count >= min_count and months >= min_months:
                return grade
        return "D"

    def _get_training_value_figures(self):
        """{contact id: (amount, enrolments, first date)} over the family's
        non-cancelled enrolments: the contact's own, those they pay, and their
        children's (as guardian). One query for the batch."""
        if not self.ids:
            return {}
        self.env["training.enrollment"].flush_model(
            ["partner_id", "payer_id", "state", "amount", "start_date"]
        )
        self.env["training.guardian"].flush_model(["student_id", "guardian_id"])
        self.env.cr.execute(
            SQL(
                """
                WITH family AS (
                    SELECT e.partner_id AS family_id, e.id AS enrollment_id
                      FROM training_enrollment e
                     WHERE e.partner_id = ANY(%(ids)s) AND e.state != 'cancelled'
                    UNION
                    SELECT e.payer_id, e.id
                      FROM training_enrollment e
                     WHERE e.payer_id = ANY(%(ids)s) AND e.state != 'cancelled'
                    UNION
                    SELECT g.guardian_id, e.id
                      FROM training_guardian g
                      JOIN training_enrollment e ON e.partner_id = g.student_id
                     WHERE g.guardian_id = ANY(%(ids)s) AND e.state != 'cancelled'
                )
                SELECT family.family_id, COALESCE(SUM(e.amount), 0), COUNT(*),
                       MIN(COALESCE(e.start_date, e.create_date::date))
                  FROM family
                  JOIN training_enrollment e ON e.id = family.enrollment_id
                 GROUP BY family.family_id
                """,
                ids=self.ids,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _training_compute_value_grades(self, origin):
        """Recompute the grades of these contacts: write only those that
        change, with one history row per change (one insert)."""
        today = fields.Date.context_today(self)
        thresholds = self._get_training_value_thresholds()
        figures = self._get_training_value_figures()
        self.flush_recordset(["training_value_grade"])
        self.env.cr.execute(
            SQL(
                "SELECT id, training_value_grade FROM res_partner WHERE id = ANY(%s)",
                self.ids,
            )
        )
        current = dict(self.env.cr.fetchall())
        changes = defaultdict(list)
        history = []
        for partner_id, old_grade in current.items():
            amount, count, first_date = figures.get(partner_id, (0, 0, None))
            months = 0
            if first_date and first_date < today:
                delta = relativedelta(today, first_date)
                months = delta.years * 12 + delta.months
            new_grade = (
                self._get_training_value_grade(thresholds, amount, count, months)
                if count
                else False
            )
            if new_grade == (old_grade or False):
                continue
            changes[new_grade].append(partner_id)
            history.append(
                {
                    "partner_id": partner_id,
                    "date": today,
                    "old_grade": old_grade or False,
                    "new_grade": new_grade,
                    "origin": origin,
                    "amount": amount,
                    "enrollment_count": count,
                    "tenure_months": months,
                }
            )
        if history:
            self._training_write_value_grades(changes, today)
            self.env["training.value.grade.history"]._insert_rows(history)
        return len(history)

    def _training_write_value_grades(self, changes, today):
        """Write the changed grades, and the family grade of the enrolments of
        those contacts (as student or payer), in SQL: through the ORM, a
        100,000-contact run spent most of its time in res.partner's write and
        in recomputing enrolments one batch of fields at a time. Nothing else
        depends on the grade; the caches are invalidated."""
        changed = [pid for partner_ids in changes.values() for pid in partner_ids]
        self.env["training.enrollment"].flush_model(
            ["partner_id", "payer_id", "training_value_grade"]
        )
        for grade, partner_ids in changes.items():
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE res_partner
                       SET training_value_grade = %(grade)s,
                           training_value_grade_date = %(today)s,
                           write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
                     WHERE id = ANY(%(ids)s)
                    """,
                    grade=grade or None,
                    today=today,
                    uid=self.env.uid,
                    ids=partner_ids,
                )
            )
        self.env.cr.execute(
            SQL(
                """
                UPDATE training_enrollment enrollment
                   SET training_value_grade = family.grade
                  FROM (
                        SELECT e.id,
                               (SELECT MIN(g)
                                  FROM (VALUES (student.training_value_grade),
                                               (payer.training_value_grade)) AS v(g)) AS grade
                          FROM training_enrollment e
                          JOIN res_partner student ON student.id = e.partner_id
                          LEFT JOIN res_partner payer ON payer.id = e.payer_id
                         WHERE e.id IN (SELECT id FROM training_enrollment
                                         WHERE partner_id = ANY(%(ids)s)
                                        UNION
                                        SELECT id FROM training_enrollment
                                         WHERE payer_id = ANY(%(ids)s))
                  ) AS family
                 WHERE family.id = enrollment.id
                   AND enrollment.training_value_grade IS DISTINCT FROM family.grade
                """,
                ids=changed,
            )
        )
        self.invalidate_model(["training_value_grade", "training_value_grade_date"])
        self.env["training.enrollment"].invalidate_model(["training_value_grade"])

    @api.model
    def _training_recompute_value_grades(self, origin="cron", batch_size=VALUE_BATCH_SIZE):
        """Every contact that has a grade or a family enrolment, in batches of
        batch_size, each committed outside tests, progress reported for the
        cron runner. Returns the number of grades changed."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        Partner = self.sudo().with_context(active_test=False)
        self.env["training.enrollment"].flush_model(["partner_id", "payer_id", "state"])
        self.env["training.guardian"].flush_model(["student_id", "guardian_id"])
        self.flush_model(["training_value_grade"])
        self.env.cr.execute(
            """
            SELECT id FROM res_partner WHERE training_value_grade IS NOT NULL
            UNION
            SELECT partner_id FROM training_enrollment WHERE state != 'cancelled'
            UNION
            SELECT payer_id FROM training_enrollment
             WHERE state != 'cancelled' AND payer_id IS NOT NULL
            UNION
            SELECT g.guardian_id FROM training_guardian g
              JOIN training_enrollment e ON e.partner_id = g.student_id
             WHERE e.state != 'cancelled'
            ORDER BY 1
            """
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        changed = 0
        for start in range(0, len(ids), batch_size):
            batch = Partner.browse(ids[start : start + batch_size])
            changed += batch._training_compute_value_grades(origin)
            done = min(start + batch_size, len(ids))
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(ids) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=0)
        return changed

    @api.model
    def _cron_recompute_training_value_grades(self):
        """Quarterly review of the value grades (seed 004: 每季度复审)."""
        self._training_recompute_value_grades(origin="cron")

    @api.model
    def action_training_recompute_value_grades(self):
        """Recompute every value grade now (supervisors), e.g. after the
        thresholds changed."""
        if not self.env.user.has_group("training_crm.group_supervisor"):
            raise AccessError(self.env._("Only supervisors may recompute the value grades."))
        changed = self._training_recompute_value_grades(origin="manual")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Value grades recomputed: %(count)s changed.", count=changed),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _get_training_family_value_grades(self):
        """{contact id: the best value grade of the contact and of their
        guardians}: what a student's complaint or renewal is served by (the
        paying family's grade). One query for the batch."""
        ids = [pid for pid in self._origin.ids if pid]
        if not ids:
            return {}
        self.flush_model(["training_value_grade"])
        self.env["training.guardian"].flush_model(["student_id", "guardian_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, MIN(grades.grade)
                  FROM unnest(%s::int[]) AS p(id)
                  JOIN LATERAL (
                        SELECT training_value_grade FROM res_partner WHERE id = p.id
                        UNION ALL
                        SELECT guardian.training_value_grade
                          FROM training_guardian g
                          JOIN res_partner guardian ON guardian.id = g.guardian_id
                         WHERE g.student_id = p.id
                  ) AS grades(grade) ON TRUE
                 GROUP BY p.id
                """,
                ids,
            )
        )
        return {pid: grade for pid, grade in self.env.cr.fetchall() if grade}

    # ------------------------------------------------------------
    # FAMILY (students and guardians)
    # ------------------------------------------------------------

    # Family
    training_guardian_ids = fields.One2many("training.guardian", "student_id", string="Guardians")
    training_child_ids = fields.One2many("training.guardian", "guardian_id", string="Children")
    training_primary_payer_id = fields.Many2one(
        "res.partner", string="Primary Payer", compute="_compute_training_primary_payer_id"
    )
    training_is_student = fields.Boolean(
        string="Is a Student", compute="_compute_training_family_roles"
    )
    training_is_guardian = fields.Boolean(
        string="Is a Guardian", compute="_compute_training_family_roles"
    )
    training_lead_ids = fields.One2many("crm.lead", "partner_id", string="Leads (Training CRM)")
    training_enrollment_ids = fields.One2many(
        "training.enrollment", "partner_id", string="Enrolments as Student"
    )
    training_family_enrollment_ids = fields.Many2many(
        "training.enrollment",
        string="Family Enrolments",
        compute="_compute_training_family_enrollment_ids",
        help="The enrolments of this contact and of the children they are a guardian of, "
        "that you may read.",
    )
    training_family_enrollment_count = fields.Integer(
        string="Family Enrolments Count", compute="_compute_training_family_enrollment_ids"
    )

    # Student
    training_birthdate = fields.Date(string="Birth Date")
    training_birthday_year = fields.Integer(
        string="Birthday Reminded For",
        readonly=True,
        copy=False,
        help="The year of the last birthday whose reminder went to the student's adviser.",
    )
    training_age = fields.Integer(string="Age", compute="_compute_training_age")
    training_school_grade = fields.Selection(
        [
            ("kindergarten", "Kindergarten"),
            ("primary_1", "Primary 1"),
            ("primary_2", "Primary 2"),
            ("primary_3", "Primary 3"),
            ("primary_4", "Primary 4"),
            ("primary_5", "Primary 5"),
            ("primary_6", "Primary 6"),
            ("junior_1", "Junior High 1"),
            ("junior_2", "Junior High 2"),
            ("junior_3", "Junior High 3"),
            ("senior_1", "Senior High 1"),
            ("senior_2", "Senior High 2"),
            ("senior_3", "Senior High 3"),
            ("university", "University"),
            ("adult", "Adult"),
        ],
        string="School Grade",
    )
    training_consent_ids = fields.One2many(
        "training.guardian.consent", "student_id", string="Guardian Consents"
    )
    training_lifecycle = fields.Selection(
        [
            ("potential", "Potential"),
            ("enrolled", "Enrolled"),
            ("studying", "Studying"),
            ("graduated", "Graduated"),
        ],
        string="Lifecycle",
        compute="_compute_training_lifecycle",
        store=True,
        index=True,
        help="From the enrolments: studying if one is, else enrolled if one is waiting to "
        "start, else graduated if one has finished; potential for a prospect (an open lead, "
        "or a child of a guardian who has one); empty for other contacts.",
    )
    training_anonymized = fields.Boolean(
        string="Anonymised", readonly=True, copy=False, help="Personal data removed on request."
    )

    @api.depends("training_guardian_ids.is_primary_payer", "training_guardian_ids.guardian_id")
    def _compute_training_primary_payer_id(self):
        for partner in self:
            primary = partner.sudo().training_guardian_ids.filtered("is_primary_payer")[:1]
            partner.training_primary_payer_id = primary.guardian_id.with_env(self.env)

    @api.depends("training_guardian_ids", "training_child_ids", "training_enrollment_ids")
    def _compute_training_family_roles(self):
        for partner in self:
            sudo_partner = partner.sudo()
            partner.training_is_guardian = bool(sudo_partner.training_child_ids)
            partner.training_is_student = bool(
                sudo_partner.training_guardian_ids or sudo_partner.training_enrollment_ids
            )

    @api.depends("training_birthdate")
    @api.depends_context("training_age_date")
    def _compute_training_age(self):
        today = self.env.context.get("training_age_date") or fields.Date.context_today(self)
        for partner in self:
            partner.training_age = partner._training_age_at(today) or 0

    def _training_age_at(self, day):
        """Age in full years on `day`; None when the birth date is unknown."""
        self.ensure_one()
        if not self.training_birthdate:
            return None
        return relativedelta(fields.Date.to_date(day), self.training_birthdate).years

    @api.model
    def _training_consent_age(self):
        value = self.env["ir.config_parameter"].sudo().get_param("training_crm.consent_age", "14")
        try:
            return int(value)
        except ValueError:
            return 14

    @api.model
    def _training_check_consent(self, students_days):
        """Refuse enrolling a student younger than the consent age on the given
        day (the enrolment's start) without an active guardian's consent dated
        today or earlier. Named in the error only if the user may read them.
        `students_days`: (student, day) pairs, no day meaning today."""
        students_days = [
            (student, day) for student, day in students_days if student.sudo().training_birthdate
        ]
        if not students_days:
            return
        today = fields.Date.context_today(self)
        limit = self._training_consent_age()
        minors = self.browse(
            [
                student.id
                for student, day in students_days
                if student.sudo()._training_age_at(day or today) < limit
            ]
        )
        if not minors:
            return
        consented = {
            student.id
            for [student] in self.env["training.guardian.consent"]
            .sudo()
            ._read_group([("student_id", "in", minors.ids), ("date", "<=", today)], ["student_id"])
        }
        missing = minors.filtered(lambda student: student.id not in consented)
        if not missing:
            return
        student = missing[:1].with_env(self.env(su=False))
        if student.has_access("read"):
            raise UserError(
                self.env._(
                    "%(student)s is under %(age)s: record a guardian's consent (PIPL) before "
                    "enrolling them.",
                    student=student.display_name,
                    age=limit,
                )
            )
        raise UserError(
            self.env._(
                "A student under %(age)s has no guardian's consent (PIPL): record it before "
                "enrolling them.",
                age=limit,
            )
        )

    @api.depends_context("uid")
    @api.depends("training_child_ids.student_id")
    def _compute_training_family_enrollment_ids(self):
        """Within the user's own rights: a consultant sees the enrolments they may read."""
        Enrollment = self.env["training.enrollment"]
        partners = self.filtered("id")
        if not partners or not Enrollment.has_access("read"):
            self.training_family_enrollment_ids = False
            self.training_family_enrollment_count = 0
            return
        children = defaultdict(set)
        for relation in (
            self.env["training.guardian"].sudo().search([("guardian_id", "in", partners.ids)])
        ):
            children[relation.guardian_id.id].add(relation.student_id.id)
        family_ids = set(partners.ids).union(*children.values())
        enrollments = Enrollment.search(
            ["|", ("partner_id", "in", list(family_ids)), ("payer_id", "in", partners.ids)]
        )
        for partner in self:
            members = children.get(partner.id, set()) | {partner.id}
            mine = enrollments.filtered(
                lambda enrollment, members=members, partner=partner: (
                    enrollment.partner_id.id in members or enrollment.payer_id.id == partner.id
                )
            )
            partner.training_family_enrollment_ids = mine
            partner.training_family_enrollment_count = len(mine)

    @api.depends(
        "training_enrollment_ids.state",
        "training_lead_ids.active",
        "training_lead_ids.stage_id",
        "training_guardian_ids.guardian_id.training_lead_ids.active",
        "training_guardian_ids.guardian_id.training_lead_ids.stage_id",
    )
    def _compute_training_lifecycle(self):
        """One query for the whole batch: the state scheduled action moves
        enrolments a thousand at a time, and confirming an order enrols many
        students at once; this follows them without a query per contact."""
        ids = [pid for pid in self._origin.ids if pid]
        found = {}
        if ids:
            self.env["training.enrollment"].flush_model(["partner_id", "state"])
            self.env["crm.lead"].flush_model(["partner_id", "active", "stage_id"])
            self.env["training.guardian"].flush_model(["student_id", "guardian_id"])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT p.id,
                           CASE WHEN EXISTS(SELECT 1 FROM training_enrollment e
                                             WHERE e.partner_id = p.id AND e.state = 'studying')
                                THEN 'studying'
                                WHEN EXISTS(SELECT 1 FROM training_enrollment e
                                             WHERE e.partner_id = p.id AND e.state = 'enrolled')
                                THEN 'enrolled'
                                WHEN EXISTS(SELECT 1 FROM training_enrollment e
                                             WHERE e.partner_id = p.id AND e.state = 'graduated')
                                THEN 'graduated'
                                WHEN EXISTS(SELECT 1 FROM crm_lead l
                                              LEFT JOIN crm_stage s ON s.id = l.stage_id
                                             WHERE l.active AND NOT COALESCE(s.is_won, FALSE)
                                               AND (l.partner_id = p.id OR l.partner_id IN (
                                                    SELECT g.guardian_id FROM training_guardian g
                                                     WHERE g.student_id = p.id)))
                                THEN 'potential'
                           END
                      FROM unnest(%s::int[]) AS p(id)
                    """,
                    ids,
                )
            )
            found = dict(self.env.cr.fetchall())
        for partner in self:
            partner.training_lifecycle = found.get(partner._origin.id) or False

    def action_view_training_family_enrollments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "training_crm.training_enrollment_action"
        )
        action["domain"] = [("id", "in", self.training_family_enrollment_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_training_anonymize(self):
        """Open the confirmation dialog (supervisors and Sales Administrators)."""
        self.env["training.family.anonymize"].check_access("create")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Anonymise Family"),
            "res_model": "training.family.anonymize",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.ids},
        }
