from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import TrainingCrmCommon

# 09:00 in Shanghai, 02:00 in Brussels: the same date in every time zone the tests touch.
MONDAY = datetime(2026, 3, 2, 1, 0)


@tagged("post_install", "-at_install")
class TestInvalidationRules(TrainingCrmCommon):
    """Seed 000 四.4, the three invalid-customer cases, at their boundaries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_consultant.tz = "Asia/Shanghai"
        cls.user_consultant_2.tz = False
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        cls.param = cls.env["ir.config_parameter"].sudo()
        cls.param.set_param("training_crm.invalid_after_attempts", "3")

    def _log_at(self, when, lead, outcome, **values):
        with freeze_time(when):
            return self._log(lead, outcome, **values)

    def _log_days(self, lead, outcomes, start=MONDAY, **values):
        """One follow-up a day from `start`, in the order given."""
        return [
            self._log_at(start + timedelta(days=i), lead, outcome, **values)
            for i, outcome in enumerate(outcomes)
        ]

    def _invalidations(self, lead):
        return self.env["training.crm.invalidation"].search([("lead_id", "=", lead.id)])

    def _assert_invalid(self, lead, case):
        self.assertFalse(lead.active, "an invalid lead leaves the pipeline")
        self.assertEqual(lead.probability, 0)
        self.assertEqual(lead.lost_reason_id, self.env.ref(f"training_crm.lost_reason_{case}"))
        notice = lead.message_ids[0]
        self.assertIn("invalid customer", notice.body)
        self.assertIn(lead.user_id.partner_id, notice.partner_ids, "the owner is told")
        self.assertIn(self.user_supervisor.partner_id, notice.partner_ids, "and the supervisor")
        row = self._invalidations(lead)[:1]
        self.assertEqual(row.reason, case)
        self.assertEqual(row.lost_reason_id, lead.lost_reason_id)
        self.assertEqual(row.user_id, lead.user_id)
        self.assertEqual(row.team_id, lead.team_id)
        self.assertEqual(row.followup_id, lead.followup_ids[:1], "the follow-up that did it")
        self.assertFalse(row.restored_date)

    # ------------------------------------------------------------
    # Unreachable: failed attempts counted by local day
    # ------------------------------------------------------------

    def test_calls_on_one_day_are_one_attempt(self):
        for minutes in (0, 5, 10):
            self._log_at(MONDAY + timedelta(minutes=minutes), self.lead, "no_answer")
        self.assertEqual(self.lead.failed_attempt_count, 1, "three missed calls, one attempt")
        self.assertTrue(self.lead.active)
        self.assertFalse(self._invalidations(self.lead))

    def test_three_local_days_make_it_unreachable(self):
        self._log_days(self.lead, ["no_answer", "unreachable"])
        self.assertEqual(self.lead.failed_attempt_count, 2)
        self.assertTrue(self.lead.active)
        self._log_at(MONDAY + timedelta(days=2), self.lead, "no_answer")
        self.assertEqual(self.lead.failed_attempt_count, 3)
        self._assert_invalid(self.lead, "unreachable")

    def test_local_day_is_the_consultants(self):
        """23:30 and 00:30 in Shanghai: one UTC day, two local days, two attempts;
        07:30 and 08:30 there straddle UTC midnight: one local day, one attempt."""
        late = self._log_at(datetime(2026, 3, 2, 15, 30), self.lead, "no_answer")
        early = self._log_at(datetime(2026, 3, 2, 16, 30), self.lead, "no_answer")
        self.assertEqual((late.local_date, early.local_date), (date(2026, 3, 2), date(2026, 3, 3)))
        self.assertEqual(self.lead.failed_attempt_count, 2)
        lead = self.env["crm.lead"].create(
            {"name": "Night owl", "user_id": self.user_consultant.id, "team_id": self.team.id}
        )
        self._log_at(datetime(2026, 3, 2, 23, 30), lead, "no_answer")
        self._log_at(datetime(2026, 3, 3, 0, 30), lead, "no_answer")
        self.assertEqual(lead.followup_ids.mapped("local_date"), [date(2026, 3, 3)] * 2)
        self.assertEqual(lead.failed_attempt_count, 1)

    def test_consultant_without_tz_counts_in_company_tz(self):
        """The company's time zone is its contact's."""
        self.assertFalse(self.user_consultant_2.tz)
        self._log_at(datetime(2026, 3, 2, 15, 30), self.lead_other, "no_answer")
        self._log_at(datetime(2026, 3, 2, 16, 30), self.lead_other, "no_answer")
        self.assertEqual(self.lead_other.failed_attempt_count, 2, "two days in Shanghai")
        self.env.company.partner_id.tz = "America/New_York"
        late = self._log_at(datetime(2026, 3, 4, 3, 30), self.lead_other, "no_answer")
        self.assertEqual(late.local_date, date(2026, 3, 3))

    def test_reaching_the_person_ends_the_streak(self):
        self._log_days(self.lead, ["no_answer", "no_answer", "reached", "no_answer", "no_answer"])
        self.assertEqual(self.lead.failed_attempt_count, 2)
        self.assertTrue(self.lead.active)
        self._log_days(self.lead_other, ["no_answer", "no_answer", "not_interested", "no_answer"])
        self.assertEqual(self.lead_other.failed_attempt_count, 1, "a refusal reached them")
        self.assertTrue(self.lead_other.active)

    def test_restore_gives_a_fresh_count_and_keeps_the_record(self):
        self._log_days(self.lead, ["no_answer"] * 3)
        self._assert_invalid(self.lead, "unreachable")
        with freeze_time(MONDAY + timedelta(days=3)):
            self.lead.with_user(self.user_consultant).toggle_active()  # the Restore button
        self.assertTrue(self.lead.active)
        self.assertFalse(self.lead.lost_reason_id)
        self.assertEqual(self.lead.failed_attempt_count, 0)
        row = self._invalidations(self.lead)
        self.assertEqual(row.restored_date, MONDAY + timedelta(days=3))
        self._log_days(self.lead, ["no_answer"] * 2, start=MONDAY + timedelta(days=4))
        self.assertTrue(self.lead.active, "only attempts after the restore count")
        self.assertEqual(self.lead.failed_attempt_count, 2)
        self._log_at(MONDAY + timedelta(days=6), self.lead, "no_answer")
        self.assertFalse(self.lead.active)
        rows = self._invalidations(self.lead)
        self.assertEqual(rows.mapped("reason"), ["unreachable"] * 2, "reports count both")
        self.assertEqual(bool(rows[0].restored_date), False)
        self.assertEqual(rows[1], row)

    def test_two_channels_required(self):
        self.param.set_param("training_crm.invalid_require_two_channels", "True")
        self._log_days(self.lead, ["no_answer"] * 3, channel="phone")
        self.assertEqual(self.lead.failed_attempt_count, 3)
        self.assertTrue(self.lead.active, "phone only: keep trying another channel")
        self._log_at(MONDAY + timedelta(days=3), self.lead, "no_answer", channel="wechat")
        self._assert_invalid(self.lead, "unreachable")

    def test_each_attempt_counts_when_days_are_not_counted(self):
        self.param.set_param("training_crm.failed_attempts_count_days", "False")
        for minutes in (0, 5):
            self._log_at(MONDAY + timedelta(minutes=minutes), self.lead, "no_answer")
        self.assertEqual(self.lead.failed_attempt_count, 2)
        self.assertTrue(self.lead.active)
        self._log_at(MONDAY + timedelta(minutes=10), self.lead, "no_answer")
        self._assert_invalid(self.lead, "unreachable")

    def test_configured_number_and_zero(self):
        self.param.set_param("training_crm.invalid_after_attempts", "2")
        self._log_days(self.lead, ["no_answer"] * 2)
        self._assert_invalid(self.lead, "unreachable")
        self.param.set_param("training_crm.invalid_after_attempts", "0")
        self._log_days(self.lead_other, ["no_answer"] * 4 + ["not_interested"] * 4)
        self.assertTrue(self.lead_other.active, "0: only competitors invalidate")

    # ------------------------------------------------------------
    # No need: a refusal after enough real conversations
    # ------------------------------------------------------------

    def test_refusal_invalidates_only_as_the_third_reached_contact(self):
        self._log_days(self.lead, ["not_interested"])
        self.assertTrue(self.lead.active, "first conversation: keep following")
        self._log_days(self.lead, ["not_interested"], start=MONDAY + timedelta(days=1))
        self.assertTrue(self.lead.active, "second conversation: keep following")
        self.assertEqual(self.lead.failed_attempt_count, 0, "a refusal is not a failed attempt")
        self._log_days(self.lead, ["not_interested"], start=MONDAY + timedelta(days=2))
        self._assert_invalid(self.lead, "no_need")

    def test_refusal_after_three_good_talks_invalidates(self):
        self._log_days(self.lead, ["reached", "reached", "reached", "not_interested"])
        self._assert_invalid(self.lead, "no_need")

    def test_unanswered_calls_and_one_refusal_stay_open(self):
        self._log_days(self.lead, ["no_answer", "no_answer", "not_interested"])
        self.assertTrue(self.lead.active, "one conversation is not 至少三次沟通")
        self.assertEqual(self.lead.failed_attempt_count, 0)
        self.assertFalse(self._invalidations(self.lead))

    def test_refusals_count_since_the_restore(self):
        self._log_days(self.lead, ["reached", "reached", "not_interested"])
        self._assert_invalid(self.lead, "no_need")
        with freeze_time(MONDAY + timedelta(days=3)):
            self.lead.toggle_active()
        self._log_days(self.lead, ["not_interested"], start=MONDAY + timedelta(days=4))
        self.assertTrue(self.lead.active, "a fresh count after the restore")

    # ------------------------------------------------------------
    # Competitor: at once, back when the contract ends
    # ------------------------------------------------------------

    def _run_return_cron(self, day):
        with freeze_time(datetime.combine(day, datetime.min.time()) + timedelta(hours=4)):
            self.env["crm.lead"]._cron_return_competitor_leads(batch_size=1)

    def _sign_with_competitor(self, lead, end=date(2026, 9, 1)):
        self._log_at(MONDAY, lead, "competitor", competitor_contract_end=end)
        self._assert_invalid(lead, "competitor")
        self.assertEqual(self._invalidations(lead).competitor_contract_end, end)

    def test_competitor_lead_comes_back_when_the_contract_ends(self):
        self._log_days(self.lead, ["no_answer", "no_answer"], start=MONDAY - timedelta(days=2))
        self._sign_with_competitor(self.lead)
        messages = len(self.lead.message_ids)
        self._run_return_cron(date(2026, 8, 31))
        self.assertFalse(self.lead.active, "not before the contract ends")
        self.assertEqual(len(self.lead.message_ids), messages)
        self._run_return_cron(date(2026, 9, 1))
        self.lead.invalidate_recordset()
        self.assertTrue(self.lead.active)
        self.assertFalse(self.lead.lost_reason_id)
        self.assertEqual(self.lead.probability, self.lead.automated_probability)
        self.assertEqual(self.lead.user_id, self.user_consultant, "still its owner's")
        self.assertEqual(self.lead.failed_attempt_count, 0, "a fresh count")
        self.assertEqual(self.lead.next_followup_date, date(2026, 9, 1))
        note = self.lead.message_ids[0]
        self.assertIn("contract ended on 09/01/2026", note.body)
        self.assertEqual(note.subtype_id, self.env.ref("training_crm.mt_lead_competitor_returned"))
        row = self._invalidations(self.lead)
        self.assertEqual(row.return_date, date(2026, 9, 1))
        self.assertTrue(row.restored_date, "reports still count the invalidation")
        activity = self.lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("training_crm.mail_activity_type_followup")
        )
        self.assertEqual(activity.user_id, self.user_consultant)
        # Once per lead: lost again later, it does not come back on the old date.
        self.lead.action_set_lost(
            lost_reason_id=self.env.ref("training_crm.lost_reason_competitor").id
        )
        self._run_return_cron(date(2026, 9, 2))
        self.assertFalse(self.lead.active)

    def test_competitor_lead_of_a_departed_owner_goes_to_the_pool(self):
        self._sign_with_competitor(self.lead)
        self.user_consultant.active = False
        self._run_return_cron(date(2026, 9, 3))  # a missed day is caught up
        self.assertTrue(self.lead.active)
        self.assertFalse(self.lead.user_id, "back in the team's pool")
        self.assertEqual(self.lead.team_id, self.team)
        self.assertIn("pool", self.lead.message_ids[0].body)
        self.assertIn("Consultant Test", self.lead.message_ids[0].body)

    def test_restored_or_won_meanwhile_is_left_alone(self):
        self._sign_with_competitor(self.lead)
        self._sign_with_competitor(self.lead_other)
        with freeze_time(MONDAY + timedelta(days=30)):
            self.lead.toggle_active()
            self.lead.action_set_won()
        self.lead_other.write({"probability": 100})  # won while archived
        messages = len(self.lead.message_ids), len(self.lead_other.message_ids)
        self._run_return_cron(date(2026, 9, 1))
        self.assertTrue(self.lead.active)
        self.assertEqual(self.lead.probability, 100, "still won")
        self.assertFalse(self.lead_other.active)
        self.assertEqual((len(self.lead.message_ids), len(self.lead_other.message_ids)), messages)
        self.assertFalse(self._invalidations(self.lead).return_date)

    def test_competitor_without_end_date_stays_lost(self):
        self._log_at(MONDAY, self.lead, "competitor")
        self._run_return_cron(date(2027, 3, 2))
        self.assertFalse(self.lead.active)

    def test_contract_end_must_follow_the_followup(self):
        with freeze_time(MONDAY):
            for end in (date(2026, 3, 2), date(2026, 3, 1)):
                with (
                    self.subTest(end=end),
                    self.assertRaisesRegex(ValidationError, "must end after the follow-up"),
                ):
                    with self.env.cr.savepoint():
                        self._log(self.lead, "competitor", competitor_contract_end=end)
            with self.assertRaisesRegex(ValidationError, "signed with a competitor"):
                with self.env.cr.savepoint():
                    self._log(self.lead, "reached", competitor_contract_end=date(2026, 9, 1))
        self.assertTrue(self.lead.active)
        self.assertFalse(self.lead.followup_ids)

    def test_contract_end_in_the_log_dialog(self):
        with Form(
            self.env["training.crm.followup"]
            .with_user(self.user_consultant)
            .with_context(default_lead_id=self.lead.id),
            view="training_crm.training_crm_followup_view_form_quick",
        ) as form:
            form.outcome = "reached"
            self.assertTrue(form._get_modifier("competitor_contract_end", "invisible"))
            form.outcome = "competitor"
            self.assertFalse(form._get_modifier("competitor_contract_end", "invisible"))
            form.competitor_contract_end = date(2099, 1, 1)
            form.note = "Signed next door until 2099."
        self.assertEqual(form.record.competitor_contract_end, date(2099, 1, 1))
        self.flush_tracking()  # first contact: the summary rides on its tracking message
        self.assertTrue(
            any("ends on 01/01/2099" in message.body for message in self.lead.message_ids),
            "the chatter shows when the person comes back",
        )

    # ------------------------------------------------------------
    # The records: who reads them
    # ------------------------------------------------------------

    def test_invalidation_records_follow_lead_visibility(self):
        self._log_at(MONDAY, self.lead, "competitor")
        self._log_at(MONDAY, self.lead_other, "competitor")
        rows = self._invalidations(self.lead) | self._invalidations(self.lead_other)
        Invalidation = self.env["training.crm.invalidation"]
        domain = [("id", "in", rows.ids)]
        self.assertEqual(
            Invalidation.with_user(self.user_consultant).search(domain),
            self._invalidations(self.lead),
        )
        for user in (self.user_supervisor, self.user_auditor):
            self.assertEqual(Invalidation.with_user(user).search(domain), rows, user.name)
        for user in (self.user_consultant, self.user_supervisor, self.user_auditor):
            with self.assertRaises(AccessError):
                rows[:1].with_user(user).write({"reason": "no_need"})
            with self.assertRaises(AccessError):
                Invalidation.with_user(user).create(
                    {"lead_id": self.lead.id, "date": MONDAY, "reason": "no_need"}
                )
        menu = self.env.ref("training_crm.training_crm_invalidation_menu")
        self.assertEqual(
            set(menu.groups_id.ids),
            {
                self.env.ref("training_crm.group_supervisor").id,
                self.env.ref("training_crm.group_auditor").id,
            },
        )

    def test_return_cron_reports_progress_in_batches(self):
        """Many contracts ending on one day: 10 batches a call, the runner calls
        again while some remain, and each lead comes back once."""
        leads = self.env["crm.lead"].create(
            [
                {"name": f"Lost {i}", "user_id": self.user_consultant.id, "team_id": self.team.id}
                for i in range(25)
            ]
        )
        with freeze_time(MONDAY):
            self.env["training.crm.followup"].create(
                [
                    {
                        "lead_id": lead.id,
                        "user_id": self.user_consultant.id,
                        "outcome": "competitor",
                        "note": "Signed elsewhere",
                        "competitor_contract_end": date(2026, 9, 1),
                    }
                    for lead in leads
                ]
            )
        self.assertFalse(any(leads.mapped("active")))
        cron = self.env.ref("training_crm.ir_cron_return_competitor_leads")
        with freeze_time(datetime(2026, 9, 1, 4, 0)):
            due = self.env["crm.lead"]._get_competitor_return_ids()
            self.assertEqual(len(due), 25)
            cron, progress = cron._add_progress()
            self.env["crm.lead"].with_context(**cron.env.context)._cron_return_competitor_leads(
                batch_size=2
            )
            self.assertEqual((progress.done, progress.remaining), (20, 5))
            cron, progress = cron._add_progress()
            self.env["crm.lead"].with_context(**cron.env.context)._cron_return_competitor_leads(
                batch_size=2
            )
            self.assertEqual((progress.done, progress.remaining), (5, 0))
            self.assertFalse(self.env["crm.lead"]._get_competitor_return_ids())
        leads.invalidate_recordset()
        self.assertTrue(all(leads.mapped("active")))
        self.assertEqual(leads.user_id, self.user_consultant)

    def test_merge_keeps_the_records(self):
        self._log_days(self.lead, ["no_answer"] * 3)
        with freeze_time(MONDAY + timedelta(days=3)):
            self.lead.toggle_active()
        row = self._invalidations(self.lead)
        twin = self.env["crm.lead"].create(
            {
                "name": "Same person",
                "type": "opportunity",
                "user_id": self.user_consultant.id,
                "team_id": self.team.id,
                "probability": 90,  # the likelier lead is the one kept
            }
        )
        master = (self.lead | twin).with_user(self.user_supervisor).merge_opportunity()
        self.assertEqual(master, twin)
        self.assertFalse(self.lead.exists())
        self.assertTrue(row.exists(), "merging never deletes an invalidation")
        self.assertEqual(row.lead_id, master)
        self.assertEqual(master.invalidation_ids, row)

    def test_lead_form_shows_invalidations_to_supervisors(self):
        form_id = self.env.ref("crm.crm_lead_view_form").id
        for user, shown in (
            (self.user_supervisor, True),
            (self.user_auditor, True),
            (self.user_consultant, False),
        ):
            arch = self.env["crm.lead"].with_user(user).get_view(form_id)["arch"]
            self.assertEqual('name="invalidation_ids"' in arch, shown, user.name)

    def test_return_cron_is_scheduled(self):
        cron = self.env.ref("training_crm.ir_cron_return_competitor_leads")
        self.assertTrue(cron.active)
        self.assertEqual(cron.code, "model._cron_return_competitor_leads()")

    def test_settings(self):
        for minutes in (0, 5):
            self._log_at(MONDAY + timedelta(minutes=minutes), self.lead, "no_answer")
        self.assertEqual(self.lead.failed_attempt_count, 1)
        settings = Form(self.env["res.config.settings"])
        self.assertTrue(settings.training_failed_attempts_count_days, "on by default")
        self.assertFalse(settings.training_invalid_require_two_channels, "off by default")
        settings.training_failed_attempts_count_days = False
        settings.training_invalid_require_two_channels = True
        settings.save().execute()
        Lead = self.env["crm.lead"]
        self.assertFalse(Lead._get_bool_param("training_crm.failed_attempts_count_days", True))
        self.assertTrue(Lead._get_bool_param("training_crm.invalid_require_two_channels", False))
        self.assertEqual(self.lead.failed_attempt_count, 2, "recounted by attempt")
        settings = Form(self.env["res.config.settings"])
        self.assertFalse(settings.training_failed_attempts_count_days, "switched off stays off")
        settings.training_failed_attempts_count_days = True
        settings.save().execute()
        self.assertTrue(Lead._get_bool_param("training_crm.failed_attempts_count_days", True))
        self.assertEqual(self.lead.failed_attempt_count, 1, "recounted by day")
