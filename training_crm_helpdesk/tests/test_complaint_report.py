# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.sql import index_exists

from .common import school_time, setup_complaints

MEASURES = [
    "__count",
    "contacted_on_time:avg",
    "plan_on_time:avg",
    "resolved_on_time:avg",
    "reopened:avg",
    "reopen_count:sum",
]


@tagged("post_install", "-at_install")
class TestComplaintReport(TransactionCase):
    """Complaint statistics as a supervisor reads them: complaints by
    category, course, consultant and month; contacted, plan given and resolved
    within their service levels; reopened.

    The service levels are decided against the database's clock (NOW()): the
    complaints handled late are from 2025, long past; the one still running in
    time is from 2099."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_complaints(cls, "hdrep")
        slas = [
            cls.env.ref(f"training_crm_helpdesk.helpdesk_sla_complaint_{step}")
            for step in ("contacted", "plan", "resolved")
        ]
        # Only the shipped service levels apply, whatever else a database holds.
        cls.env["helpdesk.sla"].search([("id", "not in", [sla.id for sla in slas])]).active = False
        cls.teachers = cls.env.ref("training_crm_helpdesk.helpdesk_category_teachers")
        cls.facilities = cls.env.ref("training_crm_helpdesk.helpdesk_category_facilities")
        cls.course_maths = cls.env["training.course"].create(
            {
                "name": "Olympiad Maths 1-to-1",
                "teaching_mode": "one_to_one",
                "lesson_hours": 40,
                "list_price": 5000,
            }
        )
        cls.enrollment_maths = cls.env["training.enrollment"].create(
            {
                "partner_id": cls.xixi.id,
                "course_id": cls.course_maths.id,
                "user_id": cls.users["con_2"].id,
            }
        )
        cls.course_scratch = cls.enrollment.course_id

        # A (teachers): every step in time, reopened once, resolved again in time.
        cls.a = cls._complaint_at(datetime(2025, 3, 4, 10, 0), cls.teachers)
        cls._move(cls.a, "contacted", datetime(2025, 3, 4, 10, 30))
        cls._move(cls.a, "plan", datetime(2025, 3, 4, 11, 0))
        cls._move(cls.a, "resolved", datetime(2025, 3, 4, 11, 30))
        cls._move(cls.a, "contacted", datetime(2025, 3, 4, 14, 0))
        cls._move(cls.a, "resolved", datetime(2025, 3, 4, 15, 0))
        # B (teachers): contacted late, then left: the rest runs out.
        cls.b = cls._complaint_at(datetime(2025, 3, 4, 10, 0), cls.teachers)
        cls._move(cls.b, "contacted", datetime(2025, 3, 4, 12, 0))
        # C (facilities, the other consultant's Maths student): resolved and
        # closed in time, then reopened and left: its resolution runs out.
        cls.c = cls._complaint_at(datetime(2025, 3, 5, 10, 0), cls.facilities, cls.enrollment_maths)
        cls._move(cls.c, "contacted", datetime(2025, 3, 5, 10, 20))
        cls._move(cls.c, "plan", datetime(2025, 3, 5, 10, 40))
        cls._move(cls.c, "resolved", datetime(2025, 3, 5, 11, 0))
        cls._move(cls.c, "closed", datetime(2025, 3, 5, 11, 30))
        cls._move(cls.c, "plan", datetime(2025, 3, 6, 10, 0))
        # D (teachers): received in 2099, nothing late yet.
        cls.d = cls._complaint_at(datetime(2099, 3, 3, 10, 0), cls.teachers)
        # E (facilities): received on 1 April before opening (still 31 March
        # in UTC), contacted in time, then left: the plan runs out.
        cls.e = cls._complaint_at(datetime(2025, 4, 1, 7, 0), cls.facilities)
        cls._move(cls.e, "contacted", datetime(2025, 4, 1, 9, 30))
        cls.complaints = cls.a | cls.b | cls.c | cls.d | cls.e

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @classmethod
    def _complaint_at(cls, local, category, enrollment=None):
        """A complaint received at `local`, in a request of its own."""
        with school_time(cls.env, local):
            complaint = (
                cls.env["helpdesk.ticket"]
                .with_user(cls.users["cs"])
                .create(
                    {
                        "name": "The family complains",
                        "description": "<p>The family complains.</p>",
                        "team_id": cls.team.id,
                        "category_id": category.id,
                        "user_id": cls.users["cs"].id,
                        "training_enrollment_id": (enrollment or cls.enrollment).id,
                        "training_resolution_plan": "Call the family, then the teacher.",
                    }
                )
                .with_env(cls.env)
            )
            cls.env.flush_all()
        return complaint

    @classmethod
    def _move(cls, complaints, step, local):
        """Customer service moves `complaints` to `step` at `local`, in a
        request of its own."""
        with school_time(cls.env, local):
            agent = complaints.with_user(cls.users["cs"])
            if step == "closed":  # the family is told the result first
                agent.action_training_family_informed()
            agent.write({"stage_id": cls.stages[step].id})
            cls.env.flush_all()

    def _stats(self, groupby, user=None):
        """{group: (count, contacted, plan, resolved, reopened, reopen count)}
        over this test's complaints, as `user` (a supervisor) reads them, in
        Shanghai time."""
        report = (
            self.env["training.complaint.report"]
            .with_user(user or self.users["sup"])
            .with_context(tz="Asia/Shanghai")
        )
        rows = report._read_group([("ticket_id", "in", self.complaints.ids)], [groupby], MEASURES)
        return {
            group: tuple(round(value, 2) if isinstance(value, float) else value for value in row)
            for group, *row in rows
        }

    # ------------------------------------------------------------
    # Reopening
    # ------------------------------------------------------------

    def test_reopen_counted_when_back_from_resolved_or_closed(self):
        self.assertEqual(self.a.training_reopen_count, 1, "Resolved → Contacted")
        self.assertEqual(self.c.training_reopen_count, 1, "Closed → Plan given")
        self.assertEqual((self.b | self.d | self.e).mapped("training_reopen_count"), [0, 0, 0])
        self._move(self.a, "closed", datetime(2025, 3, 6, 10, 0))
        self._move(self.a, "resolved", datetime(2025, 3, 6, 11, 0))
        self.assertEqual(self.a.training_reopen_count, 1, "closed, back to resolved: still done")
        self._move(self.a, "new", datetime(2025, 3, 6, 12, 0))
        self.assertEqual(self.a.training_reopen_count, 2)

    def test_reopen_many_at_once(self):
        """Complaints reopened together each count one more, whatever they
        had; the change shows in each one's chatter."""
        # Received in earlier transactions: Odoo tracks no change on a record
        # created in the same transaction.
        self.env.cr.precommit.clear()
        self._move(self.c, "resolved", datetime(2025, 3, 7, 10, 0))
        self._move(self.b, "plan", datetime(2025, 3, 7, 10, 0))
        self._move(self.b, "resolved", datetime(2025, 3, 7, 10, 30))
        self._move(self.b | self.c, "contacted", datetime(2025, 3, 7, 11, 0))
        self.assertEqual(self.b.training_reopen_count, 1)
        self.assertEqual(self.c.training_reopen_count, 2)
        self.env.cr.precommit.run()
        for complaint, old_count, new_count in ((self.b, 0, 1), (self.c, 1, 2)):
            complaint.invalidate_recordset(["message_ids"])
            tracked = complaint.message_ids.tracking_value_ids.filtered(
                lambda value: value.field_id.name == "training_reopen_count"
            )
            self.assertEqual(
                (tracked.old_value_integer, tracked.new_value_integer), (old_count, new_count)
            )

    def test_counting_reopenings_costs_no_query(self):
        """Reopening complaints together costs the queries it cost before
        reopenings were counted: the counters go in the tickets' UPDATE."""
        Ticket = type(self.env["helpdesk.ticket"])

        def reopen(counted):
            complaints = self.env["helpdesk.ticket"]
            for reopened_before in (False, True, True):
                complaint = self._complaint_at(datetime(2025, 5, 6, 10, 0), self.teachers)
                self._move(complaint, "resolved", datetime(2025, 5, 6, 10, 10))
                if reopened_before:
                    self._move(complaint, "plan", datetime(2025, 5, 6, 10, 20))
                    self._move(complaint, "resolved", datetime(2025, 5, 6, 10, 30))
                complaints |= complaint
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            if counted:
                self._move(complaints, "contacted", datetime(2025, 5, 6, 11, 0))
            else:
                with patch.object(Ticket, "_count_training_reopening", lambda self: None):
                    self._move(complaints, "contacted", datetime(2025, 5, 6, 11, 0))
            return self.env.cr.sql_log_count - before, complaints.mapped("training_reopen_count")

        reopen(counted=True)  # the same caches warm for both
        queries, counts = reopen(counted=True)
        self.assertEqual(counts, [1, 2, 2])
        queries_uncounted, counts = reopen(counted=False)
        self.assertEqual(counts, [0, 1, 1])
        self.assertEqual(queries, queries_uncounted)

    def test_reopen_count_not_copied(self):
        self.assertEqual(self.a.copy().training_reopen_count, 0)

    # ------------------------------------------------------------
    # Rates by category, consultant, course and month
    # ------------------------------------------------------------

    def test_rows_per_complaint(self):
        rows = self.env["training.complaint.report"].search(
            [("ticket_id", "in", self.complaints.ids)]
        )
        self.assertEqual(rows.ticket_id, self.complaints)
        row_c = rows.filtered(lambda row: row.ticket_id == self.c)
        self.assertRecordValues(
            row_c,
            [
                {
                    "category_id": self.facilities.id,
                    "course_id": self.course_maths.id,
                    "class_id": False,
                    "consultant_id": self.users["con_2"].id,
                    "user_id": self.users["cs"].id,
                    "team_id": self.team.id,
                    "stage_id": self.stages["plan"].id,
                    "contacted_sla": "met",
                    "plan_sla": "met",
                    "resolved_sla": "missed",
                    "reopen_count": 1,
                }
            ],
        )
        row_d = rows.filtered(lambda row: row.ticket_id == self.d)
        self.assertEqual(
            (row_d.contacted_sla, row_d.plan_sla, row_d.resolved_sla),
            ("running", "running", "running"),
        )
        self.assertEqual(row_d.class_id, self.enrollment.class_id)

    def test_by_category(self):
        stats = self._stats("category_id")
        # Teachers: A met, B late, D running (not counted); A reopened of 3.
        self.assertEqual(stats[self.teachers], (3, 50.0, 50.0, 50.0, 33.33, 1))
        # Facilities: C all in time then reopened (its resolution now late);
        # E contacted in time, its plan late.
        self.assertEqual(stats[self.facilities], (2, 100.0, 50.0, 0.0, 50.0, 1))

    def test_by_consultant(self):
        stats = self._stats("consultant_id")
        # 2 contacted in time out of 3 decided (A, E; B late), D ignored.
        self.assertEqual(stats[self.users["con"]], (4, 66.67, 33.33, 33.33, 25.0, 1))
        self.assertEqual(stats[self.users["con_2"]], (1, 100.0, 100.0, 0.0, 100.0, 1))

    def test_by_course_of_the_enrolment(self):
        stats = self._stats("course_id")
        self.assertEqual(set(stats), {self.course_scratch, self.course_maths})
        self.assertEqual(stats[self.course_scratch][:2], (4, 66.67))
        self.assertEqual(stats[self.course_maths][:2], (1, 100.0))

    def test_by_month_in_the_schools_time(self):
        stats = self._stats("date:month")
        self.assertEqual(
            stats,
            {
                # A, B, C: contacted A, C in time, B late; A and C reopened.
                datetime(2025, 3, 1): (3, 66.67, 66.67, 33.33, 66.67, 2),
                # E, received on 1 April in Shanghai (31 March in UTC).
                datetime(2025, 4, 1): (1, 100.0, 0.0, 0.0, 0.0, 0),
                # D: nothing decided yet.
                datetime(2099, 3, 1): (1, False, False, False, 0.0, 0),
            },
        )

    def test_filters_sla_missed_and_reopened(self):
        report = self.env["training.complaint.report"].with_user(self.users["sup"])
        mine = [("ticket_id", "in", self.complaints.ids)]
        missed = [
            "|",
            "|",
            ("contacted_sla", "=", "missed"),
            ("plan_sla", "=", "missed"),
            ("resolved_sla", "=", "missed"),
        ]
        self.assertEqual(
            report.search(mine + missed).ticket_id, self.b | self.c | self.e, "not A, not D"
        )
        reopened = report.search([*mine, ("reopen_count", ">", 0)])
        self.assertEqual(reopened.ticket_id, self.a | self.c)

    def test_statistics_follow_the_complaints(self):
        """D contacted in time counts at once; an archived complaint leaves
        the statistics."""
        self._move(self.d, "contacted", datetime(2099, 3, 3, 10, 30))
        stats = self._stats("consultant_id")
        self.assertEqual(stats[self.users["con"]][1], 75.0)
        self.d.active = False
        self.assertNotIn(
            self.d, self.env["training.complaint.report"].search([]).ticket_id, "archived"
        )

    def test_service_levels_read_through_the_ticket_index(self):
        self.assertTrue(index_exists(self.env.cr, "helpdesk_ticket_sla__ticket_id_index"))

    def test_one_query_whatever_the_number_of_complaints(self):
        report = self.env["training.complaint.report"].with_user(self.users["sup"])
        for complaints in (self.a, self.complaints):
            domain = [("ticket_id", "in", complaints.ids)]
            report._read_group(domain, ["consultant_id", "date:month"], MEASURES)  # caches
            with self.assertQueryCount(1):
                report._read_group(domain, ["category_id", "date:month"], MEASURES)

    # ------------------------------------------------------------
    # Who reads the statistics
    # ------------------------------------------------------------

    def test_supervisor_and_auditor_read_others_not(self):
        self.assertEqual(self._stats("team_id", self.users["aud"])[self.team][0], 5)
        for role in ("con", "cs"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self._stats("team_id", self.users[role])

    def test_sales_administrator_reads_through_supervisor(self):
        self.users["con"].groups_id = [(4, self.env.ref("sales_team.group_sale_manager").id)]
        self.assertEqual(self._stats("team_id", self.users["con"])[self.team][0], 5)

    def test_other_company_hidden(self):
        other = self.env["res.company"].create({"name": "Other School"})
        self.e.sudo().company_id = other
        self.assertEqual(self._stats("team_id")[self.team][0], 4)
        self.users["sup"].company_ids = [(4, other.id)]
        report = self.env["training.complaint.report"].with_user(self.users["sup"])
        self.assertEqual(
            report.with_context(allowed_company_ids=[other.id, self.env.company.id])
            .search([("ticket_id", "in", self.complaints.ids)])
            .ticket_id,
            self.complaints,
        )

    def test_menu_for_supervisors_and_auditors_only(self):
        """CRM > Reporting for supervisors and auditors (who read complaints in
        the CRM app); Helpdesk > Reporting too for those who manage the
        helpdesk; neither for consultants and customer service."""
        menu = self.env.ref("training_crm_helpdesk.training_complaint_report_menu")
        menu_helpdesk = self.env.ref(
            "training_crm_helpdesk.training_complaint_report_menu_helpdesk"
        )
        crm_root = self.env.ref("crm.crm_menu_root")
        helpdesk_root = self.env.ref("helpdesk_mgmt.helpdesk_ticket_main_menu")
        self.assertEqual(menu.parent_id.parent_id, crm_root)
        self.assertEqual(menu_helpdesk.parent_id.parent_id, helpdesk_root)
        crm_path = menu | menu.parent_id | crm_root
        helpdesk_path = menu_helpdesk | menu_helpdesk.parent_id | helpdesk_root
        for role in ("sup", "aud"):
            visible = self.env["ir.ui.menu"].with_user(self.users[role])._visible_menu_ids()
            self.assertLessEqual(set(crm_path.ids), visible, role)
            self.assertNotIn(helpdesk_root.id, visible, f"{role}: not the Helpdesk app")
        for role in ("con", "cs"):
            visible = self.env["ir.ui.menu"].with_user(self.users[role])._visible_menu_ids()
            self.assertFalse({menu.id, menu_helpdesk.id} & visible, role)
        self.users["sup"].groups_id = [(4, self.env.ref("helpdesk_mgmt.group_helpdesk_manager").id)]
        visible = self.env["ir.ui.menu"].with_user(self.users["sup"])._visible_menu_ids()
        self.assertLessEqual(set(helpdesk_path.ids), visible)


@tagged("post_install", "-at_install")
class TestComplaintReportUi(HttpCase):
    """A supervisor opens Complaint Statistics in the web client: the pivot,
    the filters (dates evaluated in the browser), the graph and the list."""

    def test_supervisor_opens_the_statistics(self):
        new_test_user(
            self.env,
            login="hdrep_ui_sup",
            password="hdrep_ui_sup_pw",
            groups="training_crm.group_supervisor",
            email=False,
        )
        code = """
            const wait = (selector) => new Promise((resolve, reject) => {
                let tries = 0;
                const timer = setInterval(() => {
                    if (document.querySelector(selector)) {
                        clearInterval(timer);
                        resolve();
                    } else if (++tries > 100) {
                        clearInterval(timer);
                        reject(new Error("not found: " + selector));
                    }
                }, 100);
            });
            (async () => {
                await wait(".o_pivot");
                for (const name of ["This Month", "SLA Missed", "Reopened"]) {
                    if (!document.querySelector(".o_filter_menu")) {
                        document.querySelector(".o_searchview_dropdown_toggler").click();
                        await wait(".o_filter_menu");
                    }
                    const item = [...document.querySelectorAll(".o_filter_menu .o_menu_item")]
                        .find((el) => el.textContent.trim() === name);
                    if (!item) {
                        throw new Error("no filter " + name);
                    }
                    item.click();
                    await new Promise((resolve) => setTimeout(resolve, 300));
                }
                document.querySelector(".o_switch_view.o_graph").click();
                await wait(".o_graph_renderer");
                document.querySelector(".o_switch_view.o_list").click();
                await wait(".o_list_renderer");
                console.log("test successful");
            })().catch((error) => console.error(error.message));
        """
        self.browser_js(
            "/odoo/complaint-statistics", code, "odoo.isReady", login="hdrep_ui_sup", timeout=120
        )
