from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

SHANGHAI = timedelta(hours=8)  # no daylight saving time in China
# Monday 17 March 2031, 08:00 in Shanghai: the weekly run, for 10-16 March.
RUN = datetime(2031, 3, 17, 8, 0)


@contextmanager
def school_time(env, local):
    """Run at a school-local time: the clock and the transaction's NOW (which
    stamps create_date) both move."""
    utc = local - SHANGHAI
    with freeze_time(utc), patch.object(env.cr, "now", lambda: utc):
        yield


def setup_pack_school(cls, prefix):
    """A school of its own (so that no other data counts), two campuses, week
    10-16 March 2031 in Shanghai. Right answers, by hand, for the school
    (campus 1 in brackets):

    - new leads 3 (2): l1 (11th), l2 (campus 2, 12th), l4 (16th 23:00 local);
      l3 (5th) and l5 (17th 01:00 local, the 16th in UTC) are not;
    - first contacts 2 (2): l1 (11th), l3 (13th);
    - overdue follow-ups on the 17th 3 (2): con 2 (l1, l3), con_2 1 (l2);
    - regrades 1 (1): l1 B → A on the 12th (its first grading is no regrade);
    - open disputes 1 (1): on l3 (a decided one on l2 does not count);
    - invalidations 1 (0): l2 on the 14th;
    - trials 1 (1): l1 on the 15th (a cancelled one does not count);
    - enrolments 1 (1): l1's on the 16th;
    - renewals due 1 (1): an enrolment ending on the 25th (within 14 days).
    """
    env = cls.env
    env["res.lang"]._activate_lang("zh_CN")
    cls.company = env["res.company"].create({"name": f"{prefix} School"})
    cls.company.partner_id.tz = "Asia/Shanghai"
    company_vals = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}

    def user(role, group, **vals):
        created = new_test_user(
            env, login=f"{prefix}_{role}", name=f"{prefix} {role}", groups=group, **vals
        )
        created.write(company_vals)
        return created

    cls.sup = user("sup", "training_crm.group_supervisor", email=False, lang="zh_CN")
    cls.sup_mail = user(
        "sup_mail",
        "training_crm.group_supervisor",
        email=f"{prefix}.sup@example.com",
        notification_type="email",
        lang="en_US",
    )
    cls.con = user("con", "training_crm.group_consultant", email=False)
    cls.con_2 = user("con_2", "training_crm.group_consultant", email=False)
    Team = env["crm.team"].with_company(cls.company)
    cls.team, cls.team_2 = Team.create(
        [
            {
                "name": f"{prefix} 一校区",
                "user_id": cls.sup_mail.id,
                "company_id": cls.company.id,
            },
            {"name": f"{prefix} 二校区", "company_id": cls.company.id},
        ]
    )
    grade_a, grade_b = env.ref("training_crm.grade_a"), env.ref("training_crm.grade_b")
    Lead = env["crm.lead"].with_company(cls.company)
    leads = {}
    for key, day, hour, owner, team in (
        ("l1", 11, 10, cls.con, cls.team),
        ("l2", 12, 10, cls.con_2, cls.team_2),
        ("l3", 5, 10, cls.con, cls.team),
        ("l4", 16, 23, cls.con, cls.team),
        ("l5", 17, 1, cls.con, cls.team),
    ):
        with school_time(env, datetime(2031, 3, day, hour)):
            leads[key] = Lead.create(
                {
                    "name": f"{prefix} {key}",
                    "type": "opportunity",
                    "user_id": owner.id,
                    "team_id": team.id,
                    "company_id": cls.company.id,
                }
            )
    cls.leads = leads
    local = lambda day, hour=10: datetime(2031, 3, day, hour) - SHANGHAI  # noqa: E731
    leads["l1"].first_contact_date = local(11)
    leads["l3"].first_contact_date = local(13)
    for key, day in (("l1", 14), ("l2", 15), ("l3", 16)):
        leads[key].next_followup_date = date(2031, 3, day)
    leads["l4"].next_followup_date = leads["l5"].next_followup_date = date(2031, 3, 20)
    History = env["training.crm.grade.history"]
    History.create(
        [
            {
                "lead_id": leads["l1"].id,
                "new_grade_id": grade_b.id,
                "date": local(11),
                "user_id": cls.con.id,
                "team_id": cls.team.id,
                "company_id": cls.company.id,
            },
            {
                "lead_id": leads["l1"].id,
                "old_grade_id": grade_b.id,
                "new_grade_id": grade_a.id,
                "date": local(12),
                "user_id": cls.con.id,
                "team_id": cls.team.id,
                "company_id": cls.company.id,
            },
        ]
    )
    Dispute = env["training.crm.dispute"]
    Dispute.create({"lead_id": leads["l3"].id})
    Dispute.create({"lead_id": leads["l2"].id}).state = "decided"
    env["training.crm.invalidation"].create(
        {
            "lead_id": leads["l2"].id,
            "date": local(14),
            "reason": "unreachable",
            "user_id": cls.con_2.id,
            "team_id": cls.team_2.id,
            "company_id": cls.company.id,
        }
    )
    course = (
        env["training.course"]
        .with_company(cls.company)
        .create(
            {
                "name": f"{prefix} Piano",
                "teaching_mode": "one_to_one",
                "lesson_hours": 10,
                "list_price": 3000,
            }
        )
    )
    Trial = env["training.trial"].with_company(cls.company)
    Trial.create({"lead_id": leads["l1"].id, "course_id": course.id, "date": local(15)})
    Trial.create(
        {"lead_id": leads["l1"].id, "course_id": course.id, "date": local(15, 14)}
    ).state = "cancelled"
    student = env["res.partner"].create({"name": f"{prefix} Student"})
    Enrollment = env["training.enrollment"].with_company(cls.company)
    with school_time(env, datetime(2031, 3, 1, 10)):
        Enrollment.create(
            {
                "partner_id": student.id,
                "course_id": course.id,
                "user_id": cls.con.id,
                "team_id": cls.team.id,
                "amount": 3000,
                "start_date": date(2031, 1, 1),
                "end_date": date(2031, 3, 25),
            }
        )
    with school_time(env, datetime(2031, 3, 16, 10)):
        Enrollment.create(
            {
                "partner_id": student.id,
                "course_id": course.id,
                "lead_id": leads["l1"].id,
                "user_id": cls.con.id,
                "team_id": cls.team.id,
                "amount": 3000,
                "start_date": date(2031, 4, 1),
                "end_date": date(2031, 9, 1),
            }
        )


SCHOOL = {
    "new_leads": 3,
    "first_contacts": 2,
    "overdue": 3,
    "regrades": 1,
    "open_disputes": 1,
    "invalidations": 1,
    "trials": 1,
    "enrollments": 1,
    "renewals_due": 1,
}
CAMPUS_1 = {**SCHOOL, "new_leads": 2, "overdue": 2, "invalidations": 0}


@tagged("post_install", "-at_install")
class TestMeetingPack(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_pack_school(cls, "mp16")
        cls.Pack = cls.env["training.crm.meeting.pack"]

    def _send_weekly(self):
        with school_time(self.env, RUN):
            return self.Pack._send_training_packs("weekly")

    def _figures(self, pack):
        return {
            line.section: line.count
            for line in pack.line_ids
            if not line.detail and line.section in SCHOOL
        }

    def test_weekly_pack_figures(self):
        packs = self._send_weekly().filtered(lambda pack: pack.company_id == self.company)
        by_recipient = {(pack.user_id, pack.team_id): pack for pack in packs}
        # Both supervisors the school's week; campus 1's leader also its own.
        self.assertEqual(
            set(by_recipient),
            {
                (self.sup, self.env["crm.team"]),
                (self.sup_mail, self.env["crm.team"]),
                (self.sup_mail, self.team),
            },
        )
        school = by_recipient[(self.sup, self.env["crm.team"])]
        self.assertEqual((school.date_from, school.date_to), (date(2031, 3, 10), date(2031, 3, 16)))
        self.assertEqual(self._figures(school), SCHOOL)
        overdue = school.line_ids.filtered(lambda line: line.section == "overdue" and line.detail)
        self.assertEqual(
            {line.consultant_id: line.count for line in overdue}, {self.con: 2, self.con_2: 1}
        )
        self.assertEqual(self._figures(by_recipient[(self.sup_mail, self.team)]), CAMPUS_1)

    def test_pack_in_inbox_without_email(self):
        """The supervisor without e-mail finds the pack in their inbox, in
        Chinese; no e-mail is queued for them."""
        kind = self.env["ir.model.fields.selection"].search(
            [
                ("field_id.model", "=", "training.crm.meeting.pack"),
                ("field_id.name", "=", "kind"),
                ("value", "=", "weekly"),
            ]
        )
        kind.update_field_translations("name", {"zh_CN": "周跟进会议"})
        packs = self._send_weekly()
        pack = packs.filtered(lambda pack: pack.user_id == self.sup)
        message = self.env["mail.message"].search(
            [("model", "=", pack._name), ("res_id", "=", pack.id)]
        )
        self.assertEqual(len(message), 1)
        notification = message.notification_ids
        self.assertEqual(notification.res_partner_id, self.sup.partner_id)
        self.assertEqual(notification.notification_type, "inbox")
        self.assertFalse(notification.is_read)
        inbox = self.env["mail.message"].with_user(self.sup).search([("needaction", "=", True)])
        self.assertIn(message, inbox)
        self.assertIn(self.leads["l1"].company_id.name, message.body)
        self.assertIn("周跟进会议", message.body)
        self.assertIn("周跟进会议", message.subject)
        # The English-speaking supervisor's pack, sent in the same run, is in English.
        other = packs.filtered(lambda pack: pack.user_id == self.sup_mail and not pack.team_id)
        other_message = self.env["mail.message"].search(
            [("model", "=", other._name), ("res_id", "=", other.id)]
        )
        self.assertIn("Weekly Follow-up Meeting", other_message.body)
        self.assertNotIn("周跟进会议", other_message.body)
        self.assertFalse(self.env["mail.mail"].search([("mail_message_id", "=", message.id)]))

    def test_pack_in_inbox_and_email(self):
        """A supervisor with an address who prefers e-mail gets the e-mail,
        and the pack stays in their inbox too."""
        packs = self._send_weekly()
        pack = packs.filtered(lambda pack: pack.user_id == self.sup_mail and not pack.team_id)
        message = self.env["mail.message"].search(
            [("model", "=", pack._name), ("res_id", "=", pack.id)]
        )
        inbox = (
            self.env["mail.message"].with_user(self.sup_mail).search([("needaction", "=", True)])
        )
        self.assertIn(message, inbox)
        self.assertIn("New Leads", message.body)
        mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mails.recipient_ids, self.sup_mail.partner_id)

    def test_sent_once_per_week(self):
        first = self._send_weekly()
        self.assertTrue(first)
        self.assertFalse(self._send_weekly().filtered(lambda pack: pack.company_id == self.company))

    def test_links_open_the_right_records(self):
        """Each figure's link, as its reader follows it: the server action the
        URL names, run with the figure as active_id, opens its records."""
        packs = self._send_weekly()
        pack = packs.filtered(lambda pack: pack.user_id == self.sup)
        action = self.env.ref("training_crm_reports.action_meeting_pack_line_open")
        expected = {
            "new_leads": self.leads["l1"] | self.leads["l2"] | self.leads["l4"],
            "first_contacts": self.leads["l1"] | self.leads["l3"],
            "overdue": self.leads["l1"] | self.leads["l2"] | self.leads["l3"],
        }
        for line in pack.line_ids:
            url = line._get_training_url()
            self.assertTrue(
                url.endswith(
                    f"/odoo/{line.id}/action-training_crm_reports.action_meeting_pack_line_open"
                ),
                url,
            )
            with school_time(self.env, RUN):
                result = action.with_user(self.sup).with_context(active_id=line.id).run()
                Model = self.env[result["res_model"]].with_user(self.sup)
                records = Model.search(result["domain"])
            self.assertEqual(len(records), line.count, line.section)
            if line.section in expected and not line.detail:
                self.assertEqual(records, expected[line.section], line.section)
            if line.detail:
                self.assertEqual(records.user_id, line.consultant_id)
        # Another user cannot open the supervisor's figures.
        with self.assertRaises(AccessError):
            action.with_user(self.con).with_context(active_id=pack.line_ids[0].id).run()

    def test_print_wizard_rights(self):
        wizard = (
            self.env["training.crm.meeting.pack.print"]
            .with_user(self.con)
            .with_company(self.company)
            .create({"kind": "monthly", "date": date(2031, 3, 5)})
        )
        with self.assertRaises(UserError):
            wizard.action_print()
        wizard = (
            self.env["training.crm.meeting.pack.print"]
            .with_user(self.sup)
            .with_company(self.company)
            .create({"kind": "monthly", "date": date(2031, 3, 5)})
        )
        with school_time(self.env, datetime(2031, 4, 2, 10)):
            action = wizard.action_print()
        pack = self.Pack.with_user(self.sup).search([("kind", "=", "monthly")])
        self.assertEqual((pack.date_from, pack.date_to), (date(2031, 3, 1), date(2031, 3, 31)))
        self.assertEqual(action["report_name"], "training_crm_reports.report_meeting_pack")
        # March: l1-l4 new (l5 is the 17th); first contacts, regrades, trials,
        # enrolments (the one of the 1st too) over the month.
        figures = self._figures(pack)
        self.assertEqual(figures["new_leads"], 5)
        self.assertEqual(figures["enrollments"], 2)

    def test_monthly_summary_on_the_first(self):
        """On 1 April the monthly run sends March's summary."""
        with school_time(self.env, datetime(2031, 4, 1, 9, 0)):
            packs = self.Pack._send_training_packs("monthly")
        pack = packs.filtered(lambda pack: pack.user_id == self.sup)
        self.assertEqual(
            (pack.kind, pack.date_from, pack.date_to),
            ("monthly", date(2031, 3, 1), date(2031, 3, 31)),
        )
        figures = self._figures(pack)
        self.assertEqual((figures["new_leads"], figures["enrollments"]), (5, 2))
        # On 1 April the enrolment ending on 25 March is no renewal due anymore.
        self.assertEqual(figures["renewals_due"], 0)

    def test_consultant_team_leader_counts_what_they_see(self):
        """A team leader who is a consultant, not a supervisor, gets their
        team's pack counted with their own rights: their leads and the
        team's pool, not a colleague's leads."""
        self.team_2.user_id = self.con_2
        with school_time(self.env, RUN):
            packs = self.Pack._send_training_packs("weekly")
        pack = packs.filtered(lambda pack: pack.user_id == self.con_2)
        self.assertEqual(pack.team_id, self.team_2)
        self.assertEqual(self._figures(pack)["new_leads"], 1)  # l2, theirs
        self.leads["l2"].user_id = self.con
        pack.with_user(self.con_2).action_recompute()
        self.assertEqual(self._figures(pack)["new_leads"], 0)  # no longer theirs to see
        with self.assertRaises(UserError):
            pack.with_user(self.sup).action_recompute()

    def test_queries_do_not_grow_with_records(self):
        """A pack costs the same number of queries whatever the number of
        leads it counts: grouped counts, no query per record."""

        def count_queries():
            pack = self.Pack.create(
                {
                    "kind": "weekly",
                    "date_from": date(2031, 3, 10),
                    "date_to": date(2031, 3, 16),
                    "user_id": self.sup.id,
                    "company_id": self.company.id,
                }
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with school_time(self.env, RUN):
                pack._compute_training_pack_lines()
                self.env.flush_all()
            return self.env.cr.sql_log_count - before, pack

        count_queries()  # warm the caches (rules, access rights, parameters)
        queries, _pack = count_queries()
        with school_time(self.env, datetime(2031, 3, 12, 10)):
            self.env["crm.lead"].create(
                [
                    {
                        "name": f"more {index}",
                        "user_id": (self.con if index % 2 else self.con_2).id,
                        "team_id": self.team.id,
                        "company_id": self.company.id,
                        "next_followup_date": date(2031, 3, 14),
                    }
                    for index in range(20)
                ]
            )
        queries_after, pack = count_queries()
        self.assertEqual(self._figures(pack)["new_leads"], 23)
        self.assertEqual(queries_after, queries)
