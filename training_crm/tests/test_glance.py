from datetime import date, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.osv import expression
from odoo.tests import tagged, users
from odoo.tools.safe_eval import safe_eval

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestGlance(TrainingCrmCommon):
    """What a consultant sees at a glance: what is due today, what is late,
    on their own leads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.user_consultant | cls.user_consultant_2 | cls.user_supervisor).tz = "Asia/Shanghai"

    def _search_groups(self, search_view):
        """The search view's filters as the web client groups them: the
        filters between two separators are OR-ed, the groups AND-ed."""
        arch = etree.fromstring(
            self.env["crm.lead"].get_views([(self.env.ref(search_view).id, "search")])["views"][
                "search"
            ]["arch"]
        )
        groups, group = [], []
        for node in arch:
            if node.tag == "filter":
                group.append(node.get("name"))
            elif group:
                groups.append(group)
                group = []
        if group:
            groups.append(group)
        return groups

    # ------------------------------------------------------------
    # Due today, in the consultant's time zone
    # ------------------------------------------------------------

    @users("tc_consultant")
    def test_due_today_is_the_consultants_local_day(self):
        lead = self.lead.with_user(self.env.user)
        with freeze_time("2026-03-10 17:00"):  # the 11th in Shanghai
            lead.next_followup_date = date(2026, 3, 11)
            self.assertTrue(lead.followup_due_today)
            self.assertFalse(lead.followup_overdue)
            self.assertIn(lead, lead.search([("followup_due_today", "=", True)]))
            self.assertNotIn(lead, lead.search([("followup_due_today", "=", False)]))
            lead.next_followup_date = date(2026, 3, 10)
            lead.invalidate_recordset(["followup_due_today", "followup_overdue"])
            self.assertFalse(lead.followup_due_today)
            self.assertTrue(lead.followup_overdue)
            self.assertNotIn(lead, lead.search([("followup_due_today", "=", True)]))
            # For a reader in UTC, the 11th is still tomorrow.
            utc_lead = lead.with_context(tz="UTC")
            lead.next_followup_date = date(2026, 3, 11)
            self.assertFalse(utc_lead.followup_due_today)
            self.assertNotIn(lead, utc_lead.search([("followup_due_today", "=", True)]))

    @users("tc_consultant")
    def test_due_today_only_open_leads(self):
        lead = self.lead.with_user(self.env.user)
        with freeze_time("2026-03-10 02:00"):
            lead.next_followup_date = date(2026, 3, 10)
            self.assertIn(lead, lead.search([("followup_due_today", "=", True)]))
            lead.action_set_lost()
            self.assertFalse(lead.followup_due_today)
            self.assertNotIn(
                lead,
                lead.with_context(active_test=False).search([("followup_due_today", "=", True)]),
            )

    # ------------------------------------------------------------
    # Our filters AND with My Pipeline
    # ------------------------------------------------------------

    def test_overdue_combines_with_my_pipeline(self):
        """Ticking "My Pipeline" and "Follow-up Overdue" shows my overdue leads
        only: the two filters sit in different groups of the search view."""
        for search_view, mine in (
            ("crm.view_crm_case_opportunities_filter", "assigned_to_me"),
            ("crm.view_crm_case_leads_filter", "assigned_to_me"),
        ):
            groups = self._search_groups(search_view)
            group_of = {name: index for index, group in enumerate(groups) for name in group}
            with self.subTest(search_view=search_view):
                self.assertIn(mine, group_of)
                for ours in ("followup_overdue", "followup_due_today", "in_dispute", "ungraded"):
                    self.assertNotEqual(group_of[ours], group_of[mine], ours)
                self.assertEqual(group_of["followup_overdue"], group_of["followup_due_today"])

        Lead = self.env["crm.lead"].with_user(self.user_consultant)
        with freeze_time("2026-03-10 02:00"):
            (self.lead | self.lead_pool).next_followup_date = date(2026, 3, 1)
            domain = expression.AND(
                [[("user_id", "=", self.user_consultant.id)], [("followup_overdue", "=", True)]]
            )
            self.assertEqual(Lead.search(domain), self.lead)

    # ------------------------------------------------------------
    # Landing pages: My Day, Supervision
    # ------------------------------------------------------------

    def _home(self, user):
        return self.env["crm.team"].with_user(user).action_training_home()

    def _my_day(self, user):
        """The leads My Day lists for `user`, in its list's order."""
        action = self.env.ref("training_crm.crm_lead_action_my_day")
        domain = safe_eval(action.domain, {"uid": user.id})
        order = self.env.ref("training_crm.crm_lead_view_list_my_day")
        order = etree.fromstring(order.arch).get("default_order")
        return self.env["crm.lead"].with_user(user).search(domain, order=order)

    def test_crm_opens_on_each_roles_page(self):
        self.assertEqual(
            self.env.ref("crm.crm_menu_root").action.xml_id, "training_crm.action_training_home"
        )
        self.assertEqual(self._home(self.user_consultant)["res_model"], "crm.lead")
        self.assertEqual(self._home(self.user_consultant)["name"], "My Day")
        self.assertEqual(self._home(self.user_supervisor)["res_model"], "crm.team")
        # Sales Administrators keep stock CRM's pipeline.
        stock = self.env["crm.team"].with_user(self.user_manager).action_your_pipeline()
        self.assertEqual(self._home(self.user_manager)["id"], stock["id"])

    def test_my_day_overdue_first_then_today_then_grade_s(self):
        lead = self.env["crm.lead"]
        with freeze_time("2026-03-10 02:00"):  # the 10th in Shanghai
            overdue, today, grade_s, later = lead.create(
                [
                    {"name": name, "user_id": self.user_consultant.id, "team_id": self.team.id}
                    for name in ("Overdue", "Today", "Grade S", "Later")
                ]
            )
            grade_s.intent_grade_id = self.grade_s
            (overdue | today | grade_s | later).write({"next_followup_date": date(2026, 3, 20)})
            overdue.next_followup_date = date(2026, 3, 2)
            today.next_followup_date = date(2026, 3, 10)
            grade_s.next_followup_date = date(2026, 3, 11)
            self.lead_other.next_followup_date = date(2026, 3, 2)  # not mine
            self.lead.next_followup_date = date(2026, 3, 20)  # grade B, later
            self.assertEqual(
                self._my_day(self.user_consultant).ids, [overdue.id, today.id, grade_s.id]
            )
            overdue.action_set_won_rainbowman()
            self.assertEqual(self._my_day(self.user_consultant).ids, [today.id, grade_s.id])
        with freeze_time("2026-03-20 02:00"):
            self.assertIn(later, self._my_day(self.user_consultant), "due that day")

    def test_my_day_follows_the_top_grade_whatever_its_code(self):
        """A school that renames S, or puts another grade first, keeps My Day."""
        hot = self.env["crm.lead"].create(
            {
                "name": "Hot",
                "user_id": self.user_consultant.id,
                "intent_grade_id": self.grade_s.id,
                "next_followup_date": date.today() + timedelta(days=30),
            }
        )
        self.grade_s.code = "VIP"
        self.assertIn(hot, self._my_day(self.user_consultant))
        self.assertTrue(hot.intent_grade_is_top)
        self.env["training.crm.grade"].create(
            {"name": "Paying today", "code": "T", "sequence": -1, "followup_gap_days": 1}
        )
        hot.invalidate_recordset(["intent_grade_is_top"])
        self.assertNotIn(hot, self._my_day(self.user_consultant))
        self.assertFalse(hot.intent_grade_is_top)

    def test_supervision_counters(self):
        other_team = self.env["crm.team"].create({"name": "Other Campus"})
        self.env["crm.lead"].create(
            {"name": "Elsewhere", "team_id": other_team.id, "next_followup_date": "2026-03-01"}
        )
        with freeze_time("2026-03-10 02:00"):  # a Tuesday
            (self.lead | self.lead_other).next_followup_date = date(2026, 3, 2)
            self.env["training.crm.dispute"].create({"lead_id": self.lead.id, "reason": "Mine"})
            self._log(
                self.lead_pool,
                "competitor",
                user=self.user_consultant,
                competitor_contract_end=date(2026, 9, 1),
            )
            won = self.env["crm.lead"].create(
                {"name": "Won", "user_id": self.user_consultant.id, "team_id": self.team.id}
            )
            won.action_set_won_rainbowman()
            teams = (self.team | other_team).with_user(self.user_supervisor)
            self.assertEqual(
                [
                    (
                        t.training_dispute_count,
                        t.training_overdue_count,
                        t.training_invalidation_count,
                        t.training_won_count,
                    )
                    for t in teams
                ],
                [(1, 2, 1, 1), (0, 1, 0, 0)],
            )
            action = (
                teams[0]
                .with_context(training_counter="training_overdue_count")
                .action_training_open_counter()
            )
            self.assertEqual(
                self.env["crm.lead"].with_user(self.user_supervisor).search(action["domain"]),
                self.lead | self.lead_other,
            )
            self.assertEqual(action["context"]["group_by"], ["user_id"])
        with freeze_time("2026-04-01 02:00"):
            teams.invalidate_recordset()
            self.assertEqual(teams[0].training_won_count, 0, "a new month")
            self.assertEqual(teams[0].training_invalidation_count, 0, "a new week")

    @users("tc_supervisor")
    def test_supervision_counts_in_few_queries(self):
        """The dashboard's counters: a query each, whatever the number of teams."""
        spec = {
            fname: {}
            for fname in (
                "name",
                "training_dispute_count",
                "training_overdue_count",
                "training_invalidation_count",
                "training_won_count",
            )
        }
        Team = self.env["crm.team"]
        Team.browse(self.team.id).web_read(spec)  # warm the caches of rules and parameters
        teams = Team.sudo().create([{"name": f"Campus {i}"} for i in range(5)])
        teams = Team.browse((teams | self.team).ids)
        self.env.invalidate_all()
        with self.assertQueryCount(tc_supervisor=11):
            teams.web_read(spec)

    @users("tc_consultant")
    def test_my_day_lists_in_few_queries(self):
        """My Day's list costs the same few queries for 2 leads or 20."""
        Lead = self.env["crm.lead"]
        view = self.env.ref("training_crm.crm_lead_view_list_my_day")
        fields_spec = Lead.get_views([(view.id, "list")])["models"]["crm.lead"]["fields"]
        spec = {
            fname: {"fields": {"display_name": {}}} if Lead._fields[fname].relational else {}
            for fname in fields_spec
            if fname != "activity_ids"
        }
        action = self.env.ref("training_crm.crm_lead_action_my_day").sudo()
        domain = safe_eval(action.domain, {"uid": self.env.uid})
        order = etree.fromstring(view.arch).get("default_order")
        Lead.sudo().create(
            [
                {"name": f"Due {i}", "user_id": self.env.uid, "next_followup_date": "2026-03-09"}
                for i in range(20)
            ]
        )
        with freeze_time("2026-03-10 02:00"):
            Lead.web_search_read(domain, spec, order=order)  # warm the caches
            self.env.invalidate_all()
            with self.assertQueryCount(tc_consultant=9):
                result = Lead.web_search_read(domain, spec, order=order)
        self.assertGreaterEqual(result["length"], 20)

    # ------------------------------------------------------------
    # Cards
    # ------------------------------------------------------------

    def test_failed_attempt_dots(self):
        """●●○: two failed attempts out of the three that make the lead invalid."""
        self.env["ir.config_parameter"].sudo().set_param("training_crm.invalid_after_attempts", "3")
        lead = self.lead.with_user(self.user_consultant)
        self.assertFalse(lead.failed_attempt_dots)
        with freeze_time("2026-03-09 02:00"):
            self._log(self.lead, "no_answer")
        with freeze_time("2026-03-10 02:00"):
            self._log(self.lead, "no_answer")
        self.assertEqual(lead.failed_attempt_count, 2)
        self.assertEqual(lead.failed_attempt_dots, "●●○")
        self.env["ir.config_parameter"].sudo().set_param("training_crm.invalid_after_attempts", "0")
        lead.invalidate_recordset(["failed_attempt_dots"])
        self.assertEqual(lead.failed_attempt_dots, "●●", "no limit: no hollow dots")

    def test_card_reads_grade_colour_and_collision_owner(self):
        """A consultant's card shows the grade in its colour and who already
        follows the person (撞单), without reading the other consultant's lead."""
        duplicate = (
            self.env["crm.lead"]
            .with_user(self.user_consultant_2)
            .create({"name": "Same person", "phone": self.lead.phone, "team_id": self.team.id})
        )
        self.assertEqual(duplicate.collision_user_id, self.user_consultant)
        card = duplicate.web_read(
            {
                "intent_grade_color": {},
                "collision_user_id": {"fields": {"display_name": {}}},
                "has_collision": {},
                "user_id": {"fields": {"display_name": {}}},
            }
        )[0]
        self.assertEqual(card["collision_user_id"]["id"], self.user_consultant.id)
        self.assertTrue(card["has_collision"])
        self.assertFalse(self.lead.with_user(self.user_consultant).has_collision)
        self.assertEqual(card["user_id"]["id"], self.user_consultant_2.id)
        graded = self.lead.with_user(self.user_consultant)
        self.assertEqual(
            graded.web_read({"intent_grade_color": {}})[0]["intent_grade_color"],
            self.grade_b.color,
        )
        kanban = self.env["crm.lead"].with_user(self.user_consultant).get_views([(False, "kanban")])
        arch = kanban["views"]["kanban"]["arch"]
        self.assertIn("o_tag_color_", arch)
        self.assertIn("failed_attempt_dots", arch)
        self.assertIn("many2one_avatar_user", arch)
