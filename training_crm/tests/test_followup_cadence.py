from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged, users

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestFollowupCadence(TrainingCrmCommon):
    """Every open lead is due somewhere, grades start their cadence at once,
    failed attempts are retried soon; days are the acting user's local days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.user_consultant | cls.user_consultant_2 | cls.user_supervisor).tz = "Asia/Shanghai"

    def _create_pool_lead(self, name="Pool lead", **vals):
        return self.env["crm.lead"].create(
            {"name": name, "user_id": False, "team_id": self.team.id, **vals}
        )

    # ------------------------------------------------------------
    # A new lead is due at once
    # ------------------------------------------------------------

    @users("tc_consultant")
    def test_new_s_lead_on_the_form_is_due_tomorrow(self):
        # 2026-03-02 17:00 UTC is 01:00 on the 3rd in Shanghai: tomorrow is the 4th.
        with freeze_time("2026-03-02 17:00"):
            with Form(self.env["crm.lead"]) as form:
                form.name = "Walk-in: IELTS"
                form.intent_grade_id = self.grade_s
                self.assertEqual(form.next_followup_date, date(2026, 3, 4))
            lead = form.record
            self.assertEqual(lead.next_followup_date, date(2026, 3, 4))
            self.assertFalse(lead.followup_overdue)
        with freeze_time("2026-03-04 17:00"):  # the 5th in Shanghai
            lead.invalidate_recordset(["followup_overdue"])
            self.assertTrue(lead.followup_overdue, "a new S lead nobody called is overdue")

    def test_new_lead_by_rpc_is_due_after_the_first_delay_or_its_grade(self):
        with freeze_time("2026-03-02 02:00"):  # 10:00 in Shanghai
            Lead = self.env["crm.lead"].with_user(self.user_supervisor)
            s_lead, d_lead, ungraded = Lead.create(
                [
                    {"name": "S", "intent_grade_id": self.grade_s.id},
                    {"name": "D", "intent_grade_id": self.grade_d.id},
                    {"name": "Ungraded"},
                ]
            )
            self.assertEqual(s_lead.next_followup_date, date(2026, 3, 3))
            self.assertEqual(d_lead.next_followup_date, date(2026, 3, 3))
            self.assertEqual(ungraded.next_followup_date, date(2026, 3, 3))

            self.env["ir.config_parameter"].set_param("training_crm.first_followup_delay_days", "3")
            s_lead, d_lead, ungraded, planned = Lead.create(
                [
                    {"name": "S", "intent_grade_id": self.grade_s.id},
                    {"name": "D", "intent_grade_id": self.grade_d.id},
                    {"name": "Ungraded"},
                    {"name": "Planned", "next_followup_date": "2026-03-20"},
                ]
            )
            self.assertEqual(s_lead.next_followup_date, date(2026, 3, 3), "S: daily")
            self.assertEqual(d_lead.next_followup_date, date(2026, 3, 5))
            self.assertEqual(ungraded.next_followup_date, date(2026, 3, 5))
            self.assertEqual(planned.next_followup_date, date(2026, 3, 20), "a given date stays")

    def test_imported_leads_are_due(self):
        self.env["ir.config_parameter"].set_param("training_crm.first_followup_delay_days", "3")
        with freeze_time("2026-03-02 02:00"):
            result = (
                self.env["crm.lead"]
                .with_user(self.user_supervisor)
                .with_context(import_file=True)
                .load(
                    ["name", "intent_grade_code"],
                    [["Imported S", "S"], ["Imported C", "C"], ["Imported", ""]],
                )
            )
        self.assertFalse(result["messages"])
        leads = self.env["crm.lead"].browse(result["ids"])
        self.assertEqual(
            leads.mapped("next_followup_date"),
            [date(2026, 3, 3), date(2026, 3, 5), date(2026, 3, 5)],
        )

    # ------------------------------------------------------------
    # Grading starts the cadence
    # ------------------------------------------------------------

    def test_regrade_keeps_an_earlier_date_and_pulls_a_later_one_in(self):
        lead = self.lead.with_user(self.user_consultant)
        with freeze_time("2026-03-02 02:00"):
            lead.write({"intent_grade_id": self.grade_s.id, "next_followup_date": "2026-03-03"})
            lead.intent_grade_id = self.grade_d
            self.assertEqual(lead.next_followup_date, date(2026, 3, 3), "S→D: the earlier date")
            lead.next_followup_date = "2026-03-30"
            lead.intent_grade_id = self.grade_s
            self.assertEqual(lead.next_followup_date, date(2026, 3, 3), "D→S: due tomorrow")
            lead.write({"intent_grade_id": self.grade_b.id, "next_followup_date": "2026-03-09"})
            lead.intent_grade_id = self.grade_c
            self.assertEqual(lead.next_followup_date, date(2026, 3, 9), "B→C: no sooner")

    @users("tc_consultant")
    def test_regrade_on_the_form(self):
        lead = self.lead.with_user(self.env.user)
        with freeze_time("2026-03-02 02:00"):
            lead.next_followup_date = "2026-03-20"
            with Form(lead) as form:
                form.intent_grade_id = self.grade_a
                self.assertEqual(form.next_followup_date, date(2026, 3, 4))
            self.assertEqual(lead.next_followup_date, date(2026, 3, 4))

    def test_regrade_by_followup_follows_the_followup(self):
        with freeze_time("2026-03-02 02:00"):
            followup = self._log(self.lead, "reached", grade_id=self.grade_c.id)
        self.assertEqual(self.lead.intent_grade_id, self.grade_c)
        self.assertEqual(followup.next_date, date(2026, 3, 16))
        self.assertEqual(self.lead.next_followup_date, date(2026, 3, 16))

    # ------------------------------------------------------------
    # Claimed, assigned, restored
    # ------------------------------------------------------------

    def test_claimed_assigned_and_restored_leads_are_due(self):
        claimed = self._create_pool_lead("Claimed", next_followup_date=False)
        assigned = self._create_pool_lead("Assigned", next_followup_date="2026-03-20")
        sooner = self._create_pool_lead("Sooner", next_followup_date="2026-03-02")
        restored = self._create_pool_lead("Restored", user_id=self.user_consultant.id)
        restored.action_set_lost()
        restored.next_followup_date = False
        self.assertFalse(claimed.next_followup_date)
        with freeze_time("2026-03-02 02:00"):
            claimed.with_user(self.user_consultant).action_claim()
            (assigned | sooner).with_user(self.user_supervisor).write(
                {"user_id": self.user_consultant_2.id}
            )
            restored.with_user(self.user_supervisor).toggle_active()
        self.assertEqual(claimed.next_followup_date, date(2026, 3, 3))
        self.assertEqual(assigned.next_followup_date, date(2026, 3, 3))
        self.assertEqual(sooner.next_followup_date, date(2026, 3, 2), "an earlier date stays")
        self.assertTrue(restored.active)
        self.assertEqual(restored.next_followup_date, date(2026, 3, 3))

    def test_first_contact_keeps_the_followup_plan(self):
        """Reaching a pool lead assigns it, but the follow-up plans the next contact."""
        with freeze_time("2026-03-02 02:00"):
            followup = self._log(self.lead_pool, "reached", user=self.user_consultant)
        self.assertEqual(self.lead_pool.user_id, self.user_consultant)
        self.assertEqual(followup.next_date, date(2026, 3, 4), "grade A: every two days")
        self.assertEqual(self.lead_pool.next_followup_date, date(2026, 3, 4))

    # ------------------------------------------------------------
    # Failed attempts are retried soon
    # ------------------------------------------------------------

    def test_failed_attempt_is_retried_the_next_day(self):
        self.env["ir.config_parameter"].set_param("training_crm.invalid_after_attempts", "0")
        self.lead.intent_grade_id = self.grade_d
        with freeze_time("2026-03-02 02:00"):
            no_answer = self._log(self.lead, "no_answer")
            self.assertEqual(no_answer.next_date, date(2026, 3, 3), "not 30 days later")
            self.assertEqual(self.lead.next_followup_date, date(2026, 3, 3))
        with freeze_time("2026-03-03 02:00"):
            unreachable = self._log(self.lead, "unreachable")
            self.assertEqual(unreachable.next_date, date(2026, 3, 4))
            self.env["ir.config_parameter"].set_param("training_crm.retry_delay_days", "3")
            retry = self._log(self.lead, "no_answer", channel="wechat")
            self.assertEqual(retry.next_date, date(2026, 3, 6))
            reached = self._log(self.lead, "reached")
            self.assertEqual(reached.next_date, date(2026, 4, 2), "reached: the grade's gap")

    # ------------------------------------------------------------
    # The daily claim cap counts the consultant's local day
    # ------------------------------------------------------------

    def test_claim_cap_counts_the_local_day(self):
        self.env["ir.config_parameter"].set_param("training_crm.claim_daily_limit", "1")
        leads = self.env["crm.lead"].create(
            [{"name": f"Pool {i}", "user_id": False, "team_id": self.team.id} for i in range(3)]
        )
        consultant = self.user_consultant
        with freeze_time("2026-03-02 15:30"):  # 23:30 in Shanghai
            leads[0].with_user(consultant).action_claim()
        with freeze_time("2026-03-02 16:30"):  # 00:30 the next day in Shanghai
            leads[1].with_user(consultant).action_claim()
        self.assertEqual(leads[1].user_id, consultant, "a new local day, a new cap")
        with freeze_time("2026-03-03 01:00"), self.assertRaisesRegex(UserError, "daily limit"):
            leads[2].with_user(consultant).action_claim()  # 09:00 the same local day
        self.assertFalse(leads[2].user_id)

    def test_claim_cap_falls_back_to_the_company_time_zone(self):
        self.env["ir.config_parameter"].set_param("training_crm.claim_daily_limit", "1")
        self.user_consultant.tz = False
        self.env.company.partner_id.tz = "Asia/Shanghai"
        leads = self.env["crm.lead"].create(
            [{"name": f"Pool {i}", "user_id": False, "team_id": self.team.id} for i in range(2)]
        )
        with freeze_time("2026-03-02 15:30"):
            leads[0].with_user(self.user_consultant).action_claim()
        with freeze_time("2026-03-02 16:30"):
            leads[1].with_user(self.user_consultant).action_claim()
        self.assertEqual(leads.user_id, self.user_consultant)


@tagged("post_install", "-at_install")
class TestFollowupActivityCron(TrainingCrmCommon):
    """The daily cron gives each due lead a consultant owns its Follow-up activity."""

    def _followup_activities(self, leads):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("training_crm.mail_activity_type_followup").id,
                ),
            ]
        )

    def test_cron_schedules_one_activity_per_due_lead(self):
        no_email = new_test_user(
            self.env,
            login="tc_no_email",
            name="Consultant Without E-mail",
            groups="training_crm.group_consultant",
        )
        no_email.email = False
        self.team.crm_team_member_ids = [(0, 0, {"user_id": no_email.id})]
        Lead = self.env["crm.lead"]
        owned = Lead.create(
            [
                {"name": "Owned", "user_id": self.user_consultant.id, "team_id": self.team.id},
                {"name": "No e-mail", "user_id": no_email.id, "team_id": self.team.id},
                {
                    "name": "Supervisor's",
                    "user_id": self.user_supervisor.id,
                    "team_id": self.team.id,
                },
            ]
        )
        logged = Lead.create(
            {"name": "Logged", "user_id": self.user_consultant.id, "team_id": self.team.id}
        )
        self._log(logged, "reached")  # plans its own activity
        admins = Lead.create({"name": "Sales Admin's", "user_id": self.user_manager.id})
        pool = Lead.create({"name": "Pool", "user_id": False, "team_id": self.team.id})
        lost = Lead.create({"name": "Lost", "user_id": self.user_consultant.id})
        lost.action_set_lost()
        self.assertEqual(len(self._followup_activities(logged)), 1)
        mails_before = self.env["mail.mail"].search_count([])

        Lead._cron_schedule_followup_activities()

        activities = self._followup_activities(owned)
        self.assertEqual(len(activities), 3)
        for lead in owned:
            activity = activities.filtered(lambda a, lead=lead: a.res_id == lead.id)
            self.assertEqual(activity.user_id, lead.user_id)
            self.assertEqual(activity.date_deadline, lead.next_followup_date)
        self.assertEqual(len(self._followup_activities(logged)), 1, "it had one already")
        self.assertFalse(self._followup_activities(admins | pool | lost))
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before, "no e-mail")

        Lead._cron_schedule_followup_activities()
        self.assertEqual(len(self._followup_activities(owned)), 3, "once a lead")

    def test_cron_pulls_in_activities_of_leads_planned_sooner(self):
        """D→S: the owner's Follow-up activity moves in to tomorrow with the lead."""
        self.lead.intent_grade_id = self.grade_d
        followup = self._log(self.lead, "reached")
        activity = self._followup_activities(self.lead)
        self.assertEqual(activity.date_deadline, followup.next_date)
        self.lead.with_user(self.user_supervisor).intent_grade_id = self.grade_s
        self.assertLess(self.lead.next_followup_date, activity.date_deadline)
        self.env["crm.lead"]._cron_schedule_followup_activities()
        self.assertEqual(self._followup_activities(self.lead), activity, "the same activity")
        self.assertEqual(activity.date_deadline, self.lead.next_followup_date)

    def test_cron_plans_open_leads_without_a_date(self):
        """Leads from before the rule: every open lead ends up due somewhere."""
        owned, pool, lost = self.env["crm.lead"].create(
            [
                {"name": "Old owned", "user_id": self.user_consultant.id, "team_id": self.team.id},
                {"name": "Old pool", "user_id": False, "team_id": self.team.id},
                {"name": "Old lost", "user_id": self.user_consultant.id, "team_id": self.team.id},
            ]
        )
        lost.action_set_lost()
        (owned | pool | lost).next_followup_date = False
        with freeze_time("2026-03-02 09:00"):
            self.env["crm.lead"]._cron_schedule_followup_activities()
        self.assertEqual(owned.next_followup_date, date(2026, 3, 3))
        self.assertEqual(pool.next_followup_date, date(2026, 3, 3))
        self.assertFalse(lost.next_followup_date, "lost leads are not due")
        self.assertEqual(self._followup_activities(owned).date_deadline, date(2026, 3, 3))
        self.assertFalse(self._followup_activities(pool), "nobody owns it yet")

    def test_cron_works_in_batches(self):
        leads = self.env["crm.lead"].create(
            [
                {"name": f"Due {i}", "user_id": self.user_consultant.id, "team_id": self.team.id}
                for i in range(5)
            ]
        )
        Lead = self.env["crm.lead"]
        calls = 0
        while Lead._get_followup_activity_lead_ids():
            # Two leads a batch, ten batches a call: the cron runner calls again.
            Lead._cron_schedule_followup_activities(batch_size=2)
            calls += 1
            self.assertLess(calls, 50, "every call makes progress")
        self.assertEqual(len(self._followup_activities(leads)), 5)

    def test_cron_queries_do_not_grow_with_the_leads(self):
        """One lookup, one activity create and one subscription per owner a batch."""
        self.env["crm.lead"]._cron_schedule_followup_activities()  # the common leads, warm caches
        counts = []
        for size in (4, 40):
            self.env["crm.lead"].create(
                [
                    {
                        "name": f"Due {size}-{i}",
                        "user_id": (self.user_consultant, self.user_consultant_2)[i % 2].id,
                        "team_id": self.team.id,
                    }
                    for i in range(size)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.env["crm.lead"]._cron_schedule_followup_activities()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1], "as many queries for 40 leads as for 4")
