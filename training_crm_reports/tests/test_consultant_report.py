from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, fields
from odoo.tests import tagged

from odoo.addons.training_crm.tests.common import TrainingCrmCommon
from odoo.addons.training_crm.tests.test_followup_rpc import JsonRpcMixin
from odoo.addons.training_crm_reports.models.training_crm_consultant_report import CLOSED_TABLE

MARCH = date(2026, 3, 1)
# The month the nightly action leaves open (see _refresh_closed_months).
THIS_MONTH = (datetime.now() - timedelta(days=1)).date().replace(day=1)


class ConsultantReportCommon(TrainingCrmCommon):
    """Hand-made records of a school in Shanghai, whose figures the tests state."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        cls.Report = cls.env["training.crm.consultant.report"]
        cls.course = cls.env["training.course"].create(
            {"name": "Maths 1-to-1", "teaching_mode": "one_to_one", "lesson_hours": 10}
        )

    def _lead(self, user=None, **values):
        user = user or self.user_consultant
        return self.env["crm.lead"].create(
            {
                "name": values.pop("name", "KPI lead"),
                "type": "opportunity",
                "user_id": user.id,
                "team_id": self.team.id,
                **values,
            }
        )

    def _set(self, records, **values):
        """Write history columns (dates, outcomes) as they would be by then."""
        records.flush_recordset()
        assignments = ", ".join(f'"{name}" = %s' for name in values)
        self.env.cr.execute(
            f"UPDATE {records._table} SET {assignments} WHERE id IN %s",
            (*values.values(), tuple(records.ids)),
        )
        records.invalidate_recordset()

    def _enrol(self, lead, amount, when, user=None):
        student = self.env["res.partner"].create({"name": f"Student {lead.id}"})
        enrollment = self.env["training.enrollment"].create(
            {
                "partner_id": student.id,
                "course_id": self.course.id,
                "lead_id": lead.id,
                "user_id": (user or lead.user_id).id,
                "team_id": self.team.id,
                "amount": amount,
            }
        )
        self._set(enrollment, create_date=when)
        return enrollment

    def _won(self, lead, when):
        self._set(lead, probability=100, date_closed=when)

    def _refresh(self):
        """Before a read: nothing, the months are read from their sources (a
        new database); TestConsultantReportClosedMonths stores them first, as
        the nightly action does."""

    def _row(self, month, user=None, **read_group_kw):
        """The month's totals of a consultant, through read_group as the pivot reads them."""
        self._refresh()
        user = user or self.user_consultant
        measures = [
            name
            for name, field in self.Report._fields.items()
            if field.type
            in (
                "integer",
                "float",
            )
        ]
        groups = self.Report.read_group(
            [("user_id", "=", user.id), ("date", "=", month)], measures, []
        )
        return groups[0]


@tagged("post_install", "-at_install")
class TestConsultantReport(ConsultantReportCommon):
    def test_leads_developed_and_conversion_by_the_school_month(self):
        leads = self.env["crm.lead"]
        for day in (2, 10, 20, 31):
            lead = self._lead(name=f"Developed {day}")
            # 31 March 17:00 UTC is 1 April, 01:00 in Shanghai: April's.
            hour = 17 if day == 31 else 3
            self._set(
                lead,
                first_contact_user_id=self.user_consultant.id,
                first_contact_date=datetime(2026, 3, day, hour),
            )
            leads |= lead
        self._enrol(leads[0], 3000, datetime(2026, 3, 25, 2))
        self._enrol(leads[0], 1000, datetime(2026, 3, 26, 2))  # the same lead: won once
        march = self._row(MARCH)
        self.assertEqual(march["lead_developed_count"], 3)
        self.assertEqual(march["won_lead_count"], 1)
        self.assertEqual(march["enrollment_count"], 2)
        self.assertEqual(march["won_amount"], 4000)
        self.assertAlmostEqual(march["conversion_rate"], 100 / 3)
        self.assertEqual(self._row(date(2026, 4, 1))["lead_developed_count"], 1)

    def test_ratios_of_a_team_are_ratios_of_its_sums(self):
        """Consultant 1: 1 won of 4 developed (25%), consultant 2: 0 of 1 (0%):
        the team converted 1 of 5 (20%), not the average 12.5%."""
        for user, count, won in ((self.user_consultant, 4, 1), (self.user_consultant_2, 1, 0)):
            for i in range(count):
                lead = self._lead(user=user, name=f"Team {user.id} {i}")
                self._set(
                    lead, first_contact_user_id=user.id, first_contact_date=datetime(2026, 3, 5)
                )
                if i < won:
                    self._enrol(lead, 500, datetime(2026, 3, 6))
        self._refresh()
        team = self.Report.read_group(
            [("team_id", "=", self.team.id), ("date", "=", MARCH)],
            ["conversion_rate:avg", "lead_developed_count:sum"],
            ["team_id"],
        )[0]
        self.assertEqual(team["lead_developed_count"], 5)
        self.assertAlmostEqual(team["conversion_rate"], 20.0)
        by_user = {
            g["user_id"][0]: g["conversion_rate"]
            for g in self.Report.read_group(
                [("team_id", "=", self.team.id), ("date", "=", MARCH)],
                ["conversion_rate"],
                ["user_id"],
            )
        }
        self.assertEqual(by_user, {self.user_consultant.id: 25.0, self.user_consultant_2.id: 0.0})

    def test_one_row_per_consultant_team_and_month(self):
        """A consultant who moved team mid-month has a row per team, each with
        an id of its own that reads back its own figures."""
        other_team = self.env["crm.team"].create({"name": "Other Campus"})
        for team, count in ((self.team, 2), (other_team, 3)):
            for i in range(count):
                lead = self._lead(name=f"Row {team.id} {i}", team_id=team.id)
                self._set(
                    lead,
                    first_contact_user_id=self.user_consultant.id,
                    first_contact_date=datetime(2026, 3, 5),
                )
        self._refresh()
        rows = self.Report.search([("user_id", "=", self.user_consultant.id), ("date", "=", MARCH)])
        self.assertEqual(len(rows), 2)
        self.assertEqual(len(set(rows.ids)), 2)
        by_team = {
            row["team_id"][0]: row["lead_developed_count"]
            for row in self.Report.browse(rows.ids).read(["team_id", "lead_developed_count"])
        }
        self.assertEqual(by_team, {self.team.id: 2, other_team.id: 3})

    def test_grading_accuracy_for_each_grade(self):
        """One month per grade. S: won in 3 days (right), won in 10 (wrong);
        A: won in 14 days (right); B: not won after 40 days (wrong), graded 5
        days ago (unknown yet); C: not won in 30 days (right); D: won in 10 days
        (wrong)."""
        History = self.env["training.crm.grade.history"].sudo()
        cases = [
            ("s", date(2026, 1, 1), 3),
            ("s", date(2026, 1, 1), 10),
            ("a", date(2026, 2, 1), 14),
            ("b", date(2026, 3, 1), None),
            ("c", date(2026, 4, 1), None),
            ("d", date(2026, 5, 1), 10),
        ]
        for code, month, won_after in cases:
            graded = datetime.combine(month, datetime.min.time()) + timedelta(days=4)
            lead = self._lead(name=f"Graded {code}")
            History.create(
                {
                    "lead_id": lead.id,
                    "new_grade_id": getattr(self, f"grade_{code}").id,
                    "date": graded,
                    "user_id": self.user_consultant.id,
                    "team_id": self.team.id,
                    "company_id": self.env.company.id,
                }
            )
            if won_after is not None:
                self._won(lead, graded + timedelta(days=won_after))
        recent = self._lead(name="Graded lately")
        History.create(
            {
                "lead_id": recent.id,
                "new_grade_id": self.grade_b.id,
                "date": datetime.now() - timedelta(days=5),
                "user_id": self.user_consultant_2.id,
                "company_id": self.env.company.id,
            }
        )
        expected = {
            date(2026, 1, 1): (2, 1, 50.0),
            date(2026, 2, 1): (1, 1, 100.0),
            date(2026, 3, 1): (1, 0, 0.0),
            date(2026, 4, 1): (1, 1, 100.0),
            date(2026, 5, 1): (1, 0, 0.0),
        }
        for month, (judged, right, rate) in expected.items():
            row = self._row(month)
            self.assertEqual(
                (row["graded_count"], row["graded_accurate_count"], row["grading_accuracy"]),
                (judged, right, rate),
                month,
            )
        self._refresh()
        latest = self.Report.search([("user_id", "=", self.user_consultant_2.id)])
        self.assertEqual(sum(latest.mapped("graded_count")), 0, "outcome not known yet")
        self.assertFalse(latest.grading_accuracy)
        # A grade the system set (a data load, a scheduled action) judges no one.
        system = self._lead(name="Graded by the system")
        History.create(
            {
                "lead_id": system.id,
                "new_grade_id": self.grade_c.id,
                "date": datetime(2026, 4, 5),
                "user_id": SUPERUSER_ID,
                "company_id": self.env.company.id,
            }
        )
        self._refresh()
        self.assertFalse(self.Report.search([("user_id", "=", SUPERUSER_ID)]))
        self.assertEqual(self._row(date(2026, 4, 1))["graded_count"], 1)

    def test_invalid_leads_by_case_after_a_restore(self):
        self.env["ir.config_parameter"].sudo().set_param("training_crm.invalid_after_attempts", "3")
        lead = self._lead(phone="+86 138 0013 8001")
        for day in (2, 3, 4):
            with freeze_time(datetime(2026, 3, day, 2)):
                self._log(lead, "no_answer")
        self.assertFalse(lead.active, "three failed attempts: invalid, unreachable")
        with freeze_time(datetime(2026, 3, 10, 2)):
            lead.with_user(self.user_consultant).toggle_active()  # Restore
        self.assertTrue(lead.active)
        Invalidation = self.env["training.crm.invalidation"].sudo()
        for reason in ("no_need", "competitor", "competitor"):
            Invalidation.create(
                {
                    "lead_id": self._lead(name=reason).id,
                    "date": datetime(2026, 3, 15),
                    "reason": reason,
                    "user_id": self.user_consultant.id,
                    "team_id": self.team.id,
                    "company_id": self.env.company.id,
                }
            )
        row = self._row(MARCH)
        self.assertEqual(row["invalid_count"], 4)
        self.assertEqual(row["invalid_unreachable_count"], 1, "still counted once restored")
        self.assertEqual(row["invalid_no_need_count"], 1)
        self.assertEqual(row["invalid_competitor_count"], 2)
        self.assertEqual(row["invalid_restored_count"], 1)
        self.assertFalse(row["invalid_rate"], "no lead developed in March: no rate")
        self._set(
            self.env["crm.lead"].search([("name", "in", ["no_need", "competitor"])]),
            first_contact_user_id=self.user_consultant.id,
            first_contact_date=datetime(2026, 3, 15),
        )
        self.assertAlmostEqual(
            self._row(MARCH)["invalid_rate"], 400 / 3, msg="4 invalid, 3 developed"
        )
        self.assertEqual(row["followup_count"], 3)

    def test_month_end_coverage_overdue_completeness_from_the_last_snapshot(self):
        """Grade S's gap is 1 day, C's 14, no grade 7 (SPEC 1). On 31 March,
        four open leads: S followed up on the 30th (covered), C on the 10th
        (not: 21 days), no grade on the 28th (covered), S never (not, overdue);
        complete: only the first (name, phone, course, grade)."""
        con = self.user_consultant
        self.env["crm.lead"].search([("user_id", "=", con.id)]).action_archive()
        complete = self._lead(
            contact_name="Li Lei",
            phone="+86 138 0013 8002",
            course_ids=[Command.link(self.course.id)],
            intent_grade_id=self.grade_s.id,
        )
        no_course = self._lead(
            contact_name="Han Meimei", training_wechat="hmm", intent_grade_id=self.grade_c.id
        )
        no_grade = self._lead(
            contact_name="Wang Fang",
            phone="+86 138 0013 8003",
            course_ids=[Command.link(self.course.id)],
        )
        never = self._lead(
            phone="+86 138 0013 8004",
            course_ids=[Command.link(self.course.id)],
            intent_grade_id=self.grade_s.id,
        )
        for lead, last, planned in (
            (complete, datetime(2026, 3, 30, 2), date(2026, 3, 31)),
            (no_course, datetime(2026, 3, 10, 2), date(2026, 3, 24)),
            (no_grade, datetime(2026, 3, 28, 2), date(2026, 4, 4)),
            (never, None, date(2026, 3, 2)),
        ):
            self._set(lead, last_followup_date=last, next_followup_date=planned)
        won = self._lead(contact_name="Won", intent_grade_id=self.grade_s.id)
        self._won(won, datetime(2026, 3, 3))
        Snapshot = self.env["training.crm.consultant.snapshot"]
        # 10 March: all four were covered or not yet due; the report reads the 31st.
        Snapshot._take_snapshot(now=datetime(2026, 3, 10, 4))
        Snapshot._take_snapshot(now=datetime(2026, 3, 31, 4))
        Snapshot._take_snapshot(now=datetime(2026, 3, 31, 6))  # taken again: replaced
        self.assertEqual(
            Snapshot.search_count([("user_id", "=", con.id), ("day", "=", date(2026, 3, 31))]), 1
        )
        row = self._row(MARCH)
        self.assertEqual(row["open_lead_count"], 4)
        self.assertEqual(row["covered_lead_count"], 2)
        self.assertEqual(row["overdue_lead_count"], 2, "never (2 March) and C (24 March)")
        self.assertEqual(row["complete_lead_count"], 1)
        self.assertEqual(row["coverage_rate"], 50.0)
        self.assertEqual(row["completeness_rate"], 25.0)

    def test_trials_disputes_satisfaction_referrals_target_commission(self):
        con, con_2 = self.user_consultant, self.user_consultant_2
        trialled = self._lead(name="Trialled", referred_by_id=self.env.user.partner_id.id)
        self._set(trialled, create_date=datetime(2026, 3, 3))
        other = self._lead(name="Trialled, not enrolled")
        Trial = self.env["training.trial"]
        trials = Trial
        for lead in (trialled, other):
            with freeze_time(datetime(2026, 3, 1)):
                trials |= Trial.create(
                    {
                        "lead_id": lead.id,
                        "course_id": self.course.id,
                        "date": datetime(2026, 3, 5, 2),
                        "user_id": con.id,
                    }
                )
        self._set(trials, state="attended")
        enrollment = self._enrol(trialled, 2000, datetime(2026, 3, 8, 2))
        self.env["training.satisfaction"].create(
            {
                "enrollment_id": enrollment.id,
                "date": date(2026, 3, 20),
                **dict.fromkeys(
                    ("score_teaching", "score_teacher", "score_service", "score_course"), 4
                ),
                "score_result": 5,
            }
        )
        dispute = self.env["training.crm.dispute"].create(
            {"lead_id": self.lead.id, "reason": "Both called"}
        )
        self.env["training.crm.dispute.side"].create(
            [
                {"dispute_id": dispute.id, "user_id": con.id, "lead_id": self.lead.id},
                {"dispute_id": dispute.id, "user_id": con_2.id, "lead_id": self.lead_other.id},
            ]
        )
        self._set(
            dispute, state="decided", winner_user_id=con.id, decided_date=datetime(2026, 3, 9)
        )
        self.env["training.sales.target"].create(
            {"user_id": con.id, "team_id": self.team.id, "date_from": MARCH, "amount": 8000}
        )
        self.env["training.commission.statement"].create(
            {
                "user_id": con.id,
                "team_id": self.team.id,
                "date_from": MARCH,
                "date_to": date(2026, 3, 31),
            }
        )
        row = self._row(MARCH)
        self.assertEqual((row["trial_count"], row["trial_enrolled_count"]), (2, 1))
        self.assertEqual(row["trial_conversion_rate"], 50.0)
        self.assertEqual(row["satisfaction_count"], 1)
        self.assertAlmostEqual(row["satisfaction_score"], 4.2)
        self.assertEqual(row["referral_count"], 1)
        self.assertEqual(row["dispute_won_count"], 1)
        self.assertEqual(self._row(MARCH, con_2)["dispute_lost_count"], 1)
        self.assertEqual(row["renewal_count"], 0)
        self.assertEqual(row["renewal_rate"], 0.0, "one enrolment, a new one")
        self.assertEqual(row["target_amount"], 8000)
        self.assertEqual(row["attainment"], 25.0)
        self.assertEqual(row["commission_amount"], 0)


@tagged("post_install", "-at_install")
class TestConsultantReportClosedMonths(TestConsultantReport):
    """Every figure above once its month is closed: read from the sums the
    nightly action stores (this month, the test data's months are past)."""

    allow_inherited_tests_method = True

    def _refresh(self):
        self.Report._refresh_closed_months()
        self.env.cr.execute(f"SELECT count(*) FROM {CLOSED_TABLE} WHERE date < %s", [THIS_MONTH])
        self.assertTrue(self.env.cr.fetchone()[0], "the past months' sums are stored")


@tagged("post_install", "-at_install")
class TestConsultantReportRefresh(ConsultantReportCommon):
    def _developed(self, when, name="Developed"):
        lead = self._lead(name=name)
        self._set(lead, first_contact_user_id=self.user_consultant.id, first_contact_date=when)
        return lead

    def test_closed_months_change_overnight_the_current_month_at_once(self):
        lead = self._developed(datetime(2026, 3, 5))
        self._enrol(lead, 3000, datetime(2026, 3, 6))
        Champion = self.env["training.crm.champion"]
        champions = [("period", "=", "month"), ("date", "=", MARCH), ("kind", "=", "sales")]
        live = (self._row(MARCH), Champion.search_read(champions, ["user_id", "headline"]))
        self.assertEqual(self.Report._refresh_closed_months(), THIS_MONTH)
        self.assertEqual(
            (self._row(MARCH), Champion.search_read(champions, ["user_id", "headline"])),
            live,
            "the same figures from the stored sums",
        )
        # A correction of March shows after the next night.
        self._developed(datetime(2026, 3, 20), name="Entered late")
        self.assertEqual(self._row(MARCH)["lead_developed_count"], 1)
        self.Report._refresh_closed_months()
        self.assertEqual(self._row(MARCH)["lead_developed_count"], 2)
        # This month's follow-ups count as they are logged.
        month = fields.Date.context_today(self.user_consultant).replace(day=1)
        followups_before = self._row(month)["followup_count"] or 0
        self._log(lead, "reached")
        self.assertEqual(self._row(month)["followup_count"], followups_before + 1)

    def test_the_current_month_stays_live_whatever_the_time_zone(self):
        """At 02:00 UTC on 1 April it is April in Shanghai but still 31 March
        in Los Angeles: March is not closed yet."""
        self._developed(datetime(2026, 3, 31, 10))
        self.assertEqual(self.Report._refresh_closed_months(now=datetime(2026, 4, 1, 2)), MARCH)
        self._developed(datetime(2026, 3, 31, 12), name="Late on the 31st")
        self.assertEqual(self._row(MARCH)["lead_developed_count"], 2, "March read live")
        self.assertEqual(
            self.Report._refresh_closed_months(now=datetime(2026, 4, 2, 2)), date(2026, 4, 1)
        )
        self._developed(datetime(2026, 3, 31, 13), name="Later still")
        self.assertEqual(self._row(MARCH)["lead_developed_count"], 2, "March closed")

    def test_an_update_empties_the_stored_sums_and_asks_for_a_refresh(self):
        self._developed(datetime(2026, 3, 5))
        self.Report._refresh_closed_months()
        cron = self.env.ref("training_crm_reports.ir_cron_consultant_snapshot")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.Report.init()  # what a module update runs
        self.env.cr.execute(f"SELECT count(*) FROM {CLOSED_TABLE}")
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.assertEqual(self._row(MARCH)["lead_developed_count"], 1, "read from the sources")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )
        cron.method_direct_trigger()
        self.env.cr.execute(f"SELECT count(*) FROM {CLOSED_TABLE}")
        self.assertTrue(self.env.cr.fetchone()[0], "the nightly action refills them")


@tagged("post_install", "-at_install")
class TestConsultantReportJsonRpc(JsonRpcMixin):
    """Per role over JSON-RPC: a consultant reads their own rows only,
    supervisors and auditors all; nobody writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from odoo.tests import new_test_user

        cls.users = {
            role: new_test_user(
                cls.env,
                login=f"kpi_{role}",
                password=f"kpi_{role}_pw",
                # Export allowed: the rules, not a missing right, must hide the rows.
                groups=f"{group},base.group_allow_export",
                email=False,
            )
            for role, group in (
                ("con", "training_crm.group_consultant"),
                ("con_2", "training_crm.group_consultant"),
                ("sup", "training_crm.group_supervisor"),
                ("aud", "training_crm.group_auditor"),
            )
        }
        for role in ("con", "con_2"):
            lead = cls.env["crm.lead"].create(
                {"name": f"RPC {role}", "type": "opportunity", "user_id": cls.users[role].id}
            )
            lead.flush_recordset()
            cls.env.cr.execute(
                "UPDATE crm_lead SET first_contact_user_id = %s, first_contact_date = %s "
                "WHERE id = %s",
                (cls.users[role].id, datetime(2026, 3, 5), lead.id),
            )
        cls.Report = "training.crm.consultant.report"

    def _users_seen(self, role):
        self.authenticate(f"kpi_{role}", f"kpi_{role}_pw")
        mine = [self.users["con"].id, self.users["con_2"].id]
        rows = self._call(self.Report, "search_read", [("user_id", "in", mine)], ["user_id"])
        groups = self._call(
            self.Report,
            "read_group",
            [("user_id", "in", mine)],
            ["lead_developed_count:sum", "conversion_rate"],
            ["user_id"],
        )
        ids = self._call(self.Report, "search", [("user_id", "in", mine)])
        exported = self._call(
            self.Report, "export_data", ids, ["user_id/id", "lead_developed_count"]
        )
        seen = {row["user_id"][0] for row in rows}
        self.assertEqual({g["user_id"][0] for g in groups}, seen)
        self.assertEqual(len(exported["datas"]), len(rows))
        return seen

    def test_each_role_sees_what_it_may(self):
        con, con_2 = self.users["con"].id, self.users["con_2"].id
        self.assertEqual(self._users_seen("con"), {con})
        self.assertEqual(self._users_seen("sup"), {con, con_2})
        self.assertEqual(self._users_seen("aud"), {con, con_2})
        error = self._call_error(
            "training.crm.consultant.snapshot", "create", {"day": "2026-03-31"}
        )
        self.assertIn("AccessError", error["name"])


@tagged("post_install", "-at_install")
class TestConsultantReportJsonRpcClosedMonths(TestConsultantReportJsonRpc):
    """The same rights on the stored sums of closed months."""

    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["training.crm.consultant.report"]._refresh_closed_months()
