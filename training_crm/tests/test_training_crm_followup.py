from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged, users

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestFollowupLog(TrainingCrmCommon):
    def _school_today(self, followup):
        """Today as the follow-up's author lives it (their time zone, else the
        company's): what cadences count from, whatever the hour in UTC."""
        return followup.lead_id.with_user(followup.create_uid)._get_training_today()

    def _followup_activities(self, lead):
        activity_type = self.env.ref("training_crm.mail_activity_type_followup")
        return lead.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    @users("tc_consultant")
    def test_log_from_lead_form(self):
        """The Log Follow-up dialog: defaults, chatter summary, counters, next activity."""
        lead = self.lead.with_user(self.env.user)
        action = lead.action_log_followup()
        self.assertEqual(action["res_model"], "training.crm.followup")
        with Form(
            self.env["training.crm.followup"].with_context(**action["context"]),
            view="training_crm.training_crm_followup_view_form_quick",
        ) as form:
            form.channel = "wechat"
            form.outcome = "reached"
            form.note = "Parent wants the Saturday class; will confirm after payday."
        followup = form.record
        today = self._school_today(followup)
        self.assertEqual(followup.user_id, self.env.user)
        self.assertEqual(followup.next_date, today + timedelta(days=7), "grade B: weekly")
        self.assertEqual(lead.followup_count, 1)
        self.assertEqual(lead.last_followup_date, followup.date)
        self.assertEqual(lead.next_followup_date, followup.next_date)
        self.flush_tracking()  # first contact: the summary rides on its tracking message
        self.assertIn("Saturday class", lead.message_ids[0].body)
        self.assertIn("WeChat", lead.message_ids[0].body)
        activity = self._followup_activities(lead)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, followup.next_date)
        self.assertEqual(activity.user_id, self.env.user)

    def test_due_activity_marked_done_and_replaced(self):
        first = self._log(self.lead, "reached")
        due = self._followup_activities(self.lead)
        self.assertEqual(due.date_deadline, first.next_date)
        second = self._log(
            self.lead, "no_answer", next_date=fields.Date.today() + timedelta(days=2)
        )
        self.assertFalse(due.exists(), "the due follow-up activity is done")
        done_message = self.lead.message_ids.filtered(
            lambda m: (
                m.mail_activity_type_id.id
                == self.env.ref("training_crm.mail_activity_type_followup").id
            )
        )
        self.assertIn("No answer", done_message[0].body)
        new = self._followup_activities(self.lead)
        self.assertEqual(len(new), 1)
        self.assertEqual(new.date_deadline, second.next_date)
        self.assertEqual(self.lead.next_followup_date, second.next_date)

    def test_new_grade_applied_and_tracked(self):
        followup = self._log(self.lead, "reached", grade_id=self.grade_s.id)
        self.assertEqual(self.lead.intent_grade_id, self.grade_s)
        self.assertEqual(followup.next_date, self._school_today(followup) + timedelta(days=1))

    def test_ungraded_lead_gets_weekly_cadence(self):
        followup = self._log(self.lead_other, "reached")
        self.assertEqual(followup.next_date, self._school_today(followup) + timedelta(days=7))


@tagged("post_install", "-at_install")
class TestInvalidation(TrainingCrmCommon):
    def _assert_invalid(self, lead, reason_xmlid):
        self.assertFalse(lead.active, "an invalid lead leaves the pipeline")
        self.assertEqual(lead.probability, 0)
        self.assertEqual(lead.lost_reason_id, self.env.ref(reason_xmlid))
        self.assertTrue(lead.exists(), "nothing is deleted")
        notice = lead.message_ids[0]
        self.assertIn("invalid customer", notice.body)
        self.assertIn(lead.user_id.partner_id, notice.partner_ids)
        self.assertIn(self.user_supervisor.partner_id, notice.partner_ids)

    def _log_days(self, lead, outcomes, start="2026-03-02 02:00"):
        """One follow-up a day: attempts on the same local day count once."""
        start = fields.Datetime.to_datetime(start)
        for i, outcome in enumerate(outcomes):
            with freeze_time(start + timedelta(days=i)):
                self._log(lead, outcome)

    def test_three_unanswered_calls_make_it_unreachable(self):
        self._log_days(self.lead, ["no_answer", "unreachable"])
        self.assertTrue(self.lead.active)
        self.assertEqual(self.lead.failed_attempt_count, 2)
        self._log_days(self.lead, ["no_answer"], start="2026-03-04 02:00")
        self.assertEqual(self.lead.failed_attempt_count, 3)
        self._assert_invalid(self.lead, "training_crm.lost_reason_unreachable")
        self.assertEqual(len(self.lead.followup_ids), 3)

    def test_not_interested_means_no_need_after_three_conversations(self):
        """A refusal is a conversation, not a failed attempt: it invalidates once
        the person was reached three times (seed 000: 至少三次以上的沟通)."""
        self._log_days(self.lead, ["not_interested", "no_answer", "not_interested"])
        self.assertTrue(self.lead.active, "two conversations only")
        self.assertEqual(self.lead.failed_attempt_count, 0)
        self._log_days(self.lead, ["not_interested"], start="2026-03-05 02:00")
        self._assert_invalid(self.lead, "training_crm.lost_reason_no_need")

    def test_reaching_the_person_resets_the_count(self):
        self._log_days(self.lead, ["no_answer", "no_answer", "reached"])
        self.assertEqual(self.lead.failed_attempt_count, 0)
        self._log_days(self.lead, ["no_answer", "no_answer"], start="2026-03-05 02:00")
        self.assertTrue(self.lead.active)
        self.assertEqual(self.lead.failed_attempt_count, 2)

    def test_competitor_invalidates_at_once(self):
        self._log(self.lead, "competitor")
        self._assert_invalid(self.lead, "training_crm.lost_reason_competitor")
        self.assertFalse(self.lead.activity_ids)

    def test_restore_keeps_history_and_resets_count(self):
        with freeze_time("2026-03-02 09:00") as frozen:
            for _i in range(3):
                self._log(self.lead, "no_answer")
                frozen.tick(timedelta(days=1))
            self.assertFalse(self.lead.active)
            self.lead.with_user(self.user_consultant).toggle_active()  # the stock Restore button
            self.assertTrue(self.lead.active)
            self.assertFalse(self.lead.lost_reason_id)
            self.assertEqual(self.lead.failed_attempt_count, 0)
            self.assertEqual(self.lead.followup_count, 3, "history kept")
            frozen.tick(timedelta(days=1))
            self._log(self.lead, "no_answer")
            self.assertEqual(self.lead.failed_attempt_count, 1)
            self.assertTrue(self.lead.active)

    def test_configured_number_of_attempts(self):
        param = self.env["ir.config_parameter"]
        param.set_param("training_crm.invalid_after_attempts", "2")
        self._log_days(self.lead, ["no_answer", "no_answer"])
        self.assertFalse(self.lead.active)
        param.set_param("training_crm.invalid_after_attempts", "0")
        self._log_days(self.lead_other, ["no_answer"] * 5)
        self.assertTrue(self.lead_other.active, "0 disables invalidation")
        self.assertEqual(self.lead_other.failed_attempt_count, 5)

    def test_consultant_cannot_reset_counters(self):
        self._log(self.lead, "no_answer")
        for vals in (
            {"failed_attempt_count": 0},
            {"failed_attempt_reset_date": fields.Datetime.now()},
            {"first_contact_user_id": self.user_consultant.id},
        ):
            with self.assertRaises(AccessError):
                self.lead.with_user(self.user_consultant).write(vals)
        self.assertEqual(self.lead.failed_attempt_count, 1)


@tagged("post_install", "-at_install")
class TestFirstContactAndRights(TrainingCrmCommon):
    def test_first_reach_of_pool_lead_wins_it(self):
        self._log(self.lead_pool, "no_answer", user=self.user_consultant_2)
        self.assertFalse(self.lead_pool.user_id, "an unanswered call wins nothing")
        self.assertFalse(self.lead_pool.first_contact_date)
        followup = self._log(self.lead_pool, "reached", user=self.user_consultant)
        self.assertEqual(self.lead_pool.user_id, self.user_consultant)
        self.assertEqual(self.lead_pool.first_contact_user_id, self.user_consultant)
        self.assertEqual(self.lead_pool.first_contact_date, followup.date)
        self._log(self.lead_pool, "reached", user=self.user_supervisor)
        self.assertEqual(self.lead_pool.first_contact_user_id, self.user_consultant, "set once")
        self.assertEqual(self.lead_pool.user_id, self.user_consultant)

    def test_bad_input_is_refused_and_writes_nothing(self):
        Followup = self.env["training.crm.followup"].with_user(self.user_consultant)
        base = {"lead_id": self.lead.id, "outcome": "reached", "note": "Called."}
        lost = self.env["crm.lead"].create({"name": "Lost", "user_id": self.user_consultant.id})
        lost.action_set_lost()
        cases = [
            ({"date": fields.Datetime.now() + timedelta(hours=2)}, ValidationError, "future"),
            ({"note": "   "}, ValidationError, "needs a note"),
            ({"note": False}, ValidationError, "needs a note"),
            ({"lead_id": lost.id}, UserError, "is lost"),
            # Another consultant's lead is neither named nor said whose it is.
            ({"lead_id": self.lead_other.id}, AccessError, "^You can log follow-ups only on"),
            ({"user_id": self.user_consultant_2.id}, UserError, "your own follow-ups"),
            ({"channel": "pigeon"}, ValidationError, "'pigeon' is not a valid Channel"),
            ({"outcome": "maybe"}, ValidationError, "'maybe' is not a valid Outcome"),
            (
                {"next_date": fields.Date.today() - timedelta(days=3)},
                ValidationError,
                "before this one",
            ),
        ]
        before = self.env["training.crm.followup"].search_count([])
        messages = len(self.lead.message_ids)
        for vals, error, message in cases:
            with self.subTest(vals=vals), self.assertRaisesRegex(error, message):
                with self.env.cr.savepoint():
                    Followup.create({**base, **vals})
        self.assertEqual(self.env["training.crm.followup"].search_count([]), before)
        self.lead.invalidate_recordset()
        self.assertEqual(len(self.lead.message_ids), messages)
        self.assertEqual(self.lead.followup_count, 0)

    def test_supervisor_logs_anywhere_and_corrects_the_log(self):
        followup = self._log(self.lead_other, "reached", user=self.user_supervisor)
        self.assertEqual(followup.user_id, self.user_supervisor)
        followup.with_user(self.user_supervisor).note = "Corrected note"
        followup.with_user(self.user_supervisor).unlink()
        self.assertEqual(self.lead_other.followup_count, 0)

    def test_consultant_cannot_alter_the_log(self):
        followup = self._log(self.lead, "reached")
        with self.assertRaises(AccessError):
            followup.with_user(self.user_consultant).note = "Rewritten"
        with self.assertRaises(AccessError):
            followup.with_user(self.user_consultant).unlink()

    def test_consultant_sees_followups_of_visible_leads_only(self):
        mine = self._log(self.lead, "reached")
        others = self._log(self.lead_other, "reached")
        pool = self._log(self.lead_pool, "no_answer", user=self.user_consultant_2)
        visible = (
            self.env["training.crm.followup"]
            .with_user(self.user_consultant)
            .search([("id", "in", (mine | others | pool).ids)])
        )
        self.assertEqual(visible, mine | pool)
        for user in (self.user_supervisor, self.user_auditor):
            seen = (
                self.env["training.crm.followup"]
                .with_user(user)
                .search([("id", "in", (mine | others | pool).ids)])
            )
            self.assertEqual(seen, mine | others | pool, user.name)

    def test_auditor_reads_but_changes_nothing(self):
        followup = self._log(self.lead, "reached")
        auditor_followup = followup.with_user(self.user_auditor)
        self.assertEqual(auditor_followup.note, followup.note)
        self.assertEqual(self.lead.with_user(self.user_auditor).followup_count, 1)
        with self.assertRaises(AccessError):
            auditor_followup.note = "x"
        with self.assertRaises(AccessError):
            self.env["training.crm.followup"].with_user(self.user_auditor).create(
                {"lead_id": self.lead.id, "outcome": "reached", "note": "x"}
            )
        with self.assertRaises(AccessError):
            self.lead.with_user(self.user_auditor).name = "x"


@tagged("post_install", "-at_install")
class TestOverdue(TrainingCrmCommon):
    def test_overdue_across_a_date_change(self):
        with freeze_time("2026-03-02 09:00"):
            self._log(self.lead, "reached", next_date="2026-03-04")
            self._log(self.lead_other, "reached", next_date="2026-03-10")
            self.assertFalse(self.lead.followup_overdue)
            leads = self.lead | self.lead_other
            overdue = [("followup_overdue", "=", True), ("id", "in", leads.ids)]
            self.assertFalse(self.env["crm.lead"].search(overdue))
        with freeze_time("2026-03-05 09:00"):
            self.lead.invalidate_recordset(["followup_overdue"])
            self.assertTrue(self.lead.followup_overdue)
            self.assertEqual(
                self.env["crm.lead"].with_user(self.user_supervisor).search(overdue), self.lead
            )
            self.assertEqual(
                self.env["crm.lead"].search(
                    [("followup_overdue", "=", False), ("id", "in", leads.ids)]
                ),
                self.lead_other,
            )
            # A per-consultant count, as the Overdue Follow-ups menu groups it.
            counts = dict(
                self.env["crm.lead"]._read_group(
                    [("followup_overdue", "=", True), ("team_id", "=", self.team.id)],
                    ["user_id"],
                    ["__count"],
                )
            )
            self.assertEqual(counts, {self.user_consultant: 1})
            # Won leads are not overdue.
            self.lead.action_set_won()
            self.assertFalse(self.env["crm.lead"].search(overdue))

    def test_overdue_shown_on_kanban_and_searchable(self):
        arch = self.env["crm.lead"].get_view(
            self.env.ref("crm.crm_case_kanban_view_leads").id, "kanban"
        )["arch"]
        self.assertIn('name="next_followup_date" widget="remaining_days"', arch)
        search = self.env["crm.lead"].get_view(
            self.env.ref("crm.view_crm_case_opportunities_filter").id, "search"
        )["arch"]
        self.assertIn('name="followup_overdue"', search)
