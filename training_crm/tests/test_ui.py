from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    """The web client, in headless Chromium, as a consultant uses it."""

    def test_log_followup_tour(self):
        consultant = new_test_user(
            self.env, login="tour_consultant", groups="training_crm.group_consultant"
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour Lead",
                "type": "opportunity",
                "user_id": consultant.id,
                "intent_grade_id": self.env.ref("training_crm.grade_a").id,
            }
        )
        self.start_tour(
            f"/odoo/crm/{lead.id}", "training_crm_log_followup", login="tour_consultant"
        )
        self.assertEqual(lead.followup_ids.outcome, "reached")
        self.assertEqual(lead.followup_ids.channel, "wechat")
        self.assertEqual(lead.followup_ids.note, "Parent wants the Saturday class")
        self.assertEqual(lead.next_followup_date, lead.followup_ids.next_date)
        self.assertEqual(lead.first_contact_user_id, consultant)

    def test_claim_tour(self):
        consultant = new_test_user(
            self.env,
            login="tour_claimer",
            name="Tour Claimer",
            groups="training_crm.group_consultant",
        )
        team = self.env["crm.team"].create(
            {
                "name": "Tour Campus",
                "crm_team_member_ids": [Command.create({"user_id": consultant.id})],
            }
        )
        lead = self.env["crm.lead"].create(
            {"name": "Pool lead", "type": "opportunity", "user_id": False, "team_id": team.id}
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "training_crm_claim", login="tour_claimer")
        self.assertEqual(lead.user_id, consultant)
        self.assertTrue(lead.claim_date)

    def test_chatter_log_followup_tour(self):
        consultant = new_test_user(
            self.env, login="tour_chatter", groups="training_crm.group_consultant"
        )
        lead = self.env["crm.lead"].create(
            {"name": "Chatter Lead", "type": "opportunity", "user_id": consultant.id}
        )
        self.start_tour(
            f"/odoo/crm/{lead.id}", "training_crm_chatter_followup", login="tour_chatter"
        )
        self.assertEqual(lead.followup_ids.outcome, "no_answer")
        self.assertEqual(lead.failed_attempt_count, 1)

    def test_auditor_tour(self):
        """The auditor opens CRM, the pipeline, a lead, the follow-ups and the
        disputes, and finds nothing to act on."""
        new_test_user(self.env, login="tour_auditor", groups="training_crm.group_auditor")
        consultant = new_test_user(
            self.env, login="tour_audited", groups="training_crm.group_consultant"
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Audit Lead",
                "type": "opportunity",
                "contact_name": "Audit Student",
                "user_id": consultant.id,
                # What stock shows Enrich and SMS for.
                "email_from": "audit.student@example.com",
                "phone": "+86 138 0013 8000",
            }
        )
        self.env["training.crm.followup"].with_user(consultant).create(
            {"lead_id": lead.id, "outcome": "reached", "note": "Audit note"}
        )
        self.env["training.crm.dispute"].with_user(consultant).create(
            {"lead_id": lead.id, "reason": "Someone else called too"}
        )
        self.start_tour("/odoo", "training_crm_auditor", login="tour_auditor")
        self.assertEqual(lead.user_id, consultant)
        self.assertEqual(lead.followup_ids.note, "Audit note")

    def test_claim_from_card_and_hand_back_tour(self):
        consultant = new_test_user(
            self.env,
            login="tour_card_claimer",
            name="Tour Card Claimer",
            groups="training_crm.group_consultant",
        )
        team = self.env["crm.team"].create(
            {
                "name": "Tour Card Campus",
                "crm_team_member_ids": [Command.create({"user_id": consultant.id})],
            }
        )
        lead = self.env["crm.lead"].create(
            {"name": "Tour Pool Card", "type": "opportunity", "user_id": False, "team_id": team.id}
        )
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_pipeline",
            "training_crm_claim_card_hand_back",
            login="tour_card_claimer",
        )
        self.assertFalse(lead.user_id)
        self.assertFalse(lead.claim_date)
        self.assertIn("Parent moved to another city", lead.message_ids[0].body)

    def test_my_day_tour(self):
        """A consultant's CRM opens on My Day: overdue first, then due today."""
        consultant = new_test_user(
            self.env,
            login="tour_my_day",
            tz="Asia/Shanghai",
            groups="training_crm.group_consultant",
        )
        Lead = self.env["crm.lead"]
        today = Lead.with_user(consultant)._get_training_today()
        for name, days in (("Glance Later", 5), ("Glance Today", 0), ("Glance Overdue", -3)):
            Lead.create(
                {
                    "name": name,
                    "type": "opportunity",
                    "user_id": consultant.id,
                    "next_followup_date": today + timedelta(days=days),
                }
            )
        today_lead = Lead.search([("name", "=", "Glance Today")])
        today_lead.write(
            {
                "intent_grade_id": self.env.ref("training_crm.grade_a").id,
                "collision_lead_id": Lead.search([("name", "=", "Glance Later")]).id,
                "failed_attempt_count": 1,
                "next_followup_date": today,
            }
        )
        self.assertEqual(today_lead.with_user(consultant).failed_attempt_dots, "●○○")
        self.assertEqual(
            self.env["crm.team"].with_user(consultant).action_training_home()["path"], "my-day"
        )
        self.start_tour("/odoo", "training_crm_my_day", login="tour_my_day")

    def test_forbidden_lead_tour(self):
        """A link to another consultant's lead does not silently land on the
        pipeline: the consultant is told they may not open it."""
        new_test_user(self.env, login="tour_forbidden", groups="training_crm.group_consultant")
        owner = new_test_user(self.env, login="tour_owner", groups="training_crm.group_consultant")
        lead = self.env["crm.lead"].create(
            {"name": "Forbidden Lead", "type": "opportunity", "user_id": owner.id}
        )
        self.start_tour(
            f"/odoo/crm/{lead.id}", "training_crm_forbidden_lead", login="tour_forbidden"
        )

    def test_settings_tour(self):
        """An admin changes the rules' numbers in Settings > CRM > Training CRM."""
        self.start_tour(
            "/odoo/action-crm.crm_config_settings_action", "training_crm_settings", login="admin"
        )
        param = self.env["ir.config_parameter"].sudo()
        self.assertEqual(param.get_param("training_crm.invalid_after_attempts"), "4")
        self.assertEqual(param.get_param("training_crm.invalid_require_two_channels"), "True")

    def test_reassign_tour(self):
        """A supervisor who is not a Sales Administrator reassigns through the
        wizard, with a reason the lead's history keeps."""
        supervisor = new_test_user(
            self.env, login="tour_supervisor", groups="training_crm.group_supervisor"
        )
        owner, colleague = (
            new_test_user(self.env, login=login, name=name, groups="training_crm.group_consultant")
            for login, name in (
                ("tour_owner_r", "Tour Owner"),
                ("tour_colleague", "Tour Colleague"),
            )
        )
        team = self.env["crm.team"].create(
            {
                "name": "Tour Reassign Campus",
                "user_id": supervisor.id,
                "crm_team_member_ids": [
                    Command.create({"user_id": user.id}) for user in (owner, colleague)
                ],
            }
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour Reassign",
                "type": "opportunity",
                "user_id": owner.id,
                "team_id": team.id,
            }
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "training_crm_reassign", login="tour_supervisor")
        self.assertEqual(lead.user_id, colleague)
        self.assertIn("Owner on leave for a month", lead.message_ids[0].body)

    def _my_day_log_tour(self, login, lang):
        consultant = new_test_user(
            self.env,
            login=login,
            tz="Asia/Shanghai",
            lang=lang,
            groups="training_crm.group_consultant",
        )
        Lead = self.env["crm.lead"]
        today = Lead.with_user(consultant)._get_training_today()
        overdue, _today_lead = Lead.create(
            [
                {
                    "name": name,
                    "type": "opportunity",
                    "user_id": consultant.id,
                    "intent_grade_id": self.env.ref("training_crm.grade_b").id,
                    "next_followup_date": today + timedelta(days=days),
                }
                for name, days in (("Day Overdue", -2), ("Day Today", 0))
            ]
        )
        self.start_tour("/odoo", "training_crm_my_day_log", login=login)
        self.assertEqual(overdue.followup_ids.note, "Mother will visit on Saturday")
        self.assertEqual(overdue.first_contact_user_id, consultant)
        self.assertGreater(overdue.next_followup_date, today)

    def test_my_day_log_tour(self):
        """A consultant's day starts on My Day and logs from there (English)."""
        self._my_day_log_tour("tour_day_en", "en_US")

    def test_my_day_log_tour_zh_cn(self):
        """The same day in Simplified Chinese: the tour finds its way by
        structure, not by English words."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search([("name", "=", "training_crm")])._update_translations(
            ["zh_CN"]
        )
        self._my_day_log_tour("tour_day_zh", "zh_CN")

    def _enrollment_tour_lead(self):
        """A consultant's lead for a parent, with Tour Scratch as its course of
        interest and the class Tour Spring; the child exists already."""
        consultant = new_test_user(
            self.env,
            login="tour_seller",
            name="Tour Seller",
            groups="training_crm.group_consultant",
        )
        course = self.env["training.course"].create(
            {
                "name": "Tour Scratch",
                "teaching_mode": "face_to_face",
                "lesson_hours": 48,
                "list_price": 6000,
            }
        )
        self.tour_class = self.env["training.class"].create(
            {
                "name": "Tour Spring",
                "course_id": course.id,
                "date_start": date(2026, 3, 1),
                "date_end": date(2026, 6, 30),
                "seats": 10,
            }
        )
        parent = self.env["res.partner"].create({"name": "Tour Parent"})
        self.tour_child = self.env["res.partner"].create(
            {"name": "Tour Child", "parent_id": parent.id}
        )
        return self.env["crm.lead"].create(
            {
                "name": "Tour Lead Scratch",
                "type": "opportunity",
                "user_id": consultant.id,
                "partner_id": parent.id,
                "intent_grade_id": self.env.ref("training_crm.grade_a").id,
                "course_ids": [Command.set(course.ids)],
            }
        )

    def _assert_enrolled(self, lead):
        """The lead's order is confirmed and enrols the child in Tour Spring,
        sold by the consultant; the lead is won."""
        order = lead.order_ids
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.user_id, lead.user_id)
        enrollment = order.training_enrollment_ids
        self.assertEqual(len(enrollment), 1)
        self.assertEqual(enrollment.partner_id, self.tour_child)
        self.assertEqual(enrollment.payer_id, lead.partner_id)
        self.assertEqual(enrollment.course_id, lead.course_ids)
        self.assertEqual(enrollment.class_id, self.tour_class)
        self.assertEqual(enrollment.start_date, date(2026, 3, 1))
        self.assertEqual(enrollment.amount, 6000)
        self.assertEqual(enrollment.hours, 48)
        self.assertEqual(enrollment.lead_id, lead)
        self.assertEqual(enrollment.user_id, lead.user_id)
        self.assertEqual(enrollment.intent_grade_id, self.env.ref("training_crm.grade_a"))
        self.assertEqual(lead.training_enrollment_ids, enrollment)
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.probability, 100)

    def test_lead_to_enrollment_tour(self):
        """A consultant sells their lead's course of interest: New Quotation,
        the class, Confirm, the child named in the students' dialog; the
        enrolment is the child's, on the course and class, at the line's
        amount, sold by the consultant, and the lead is won."""
        lead = self._enrollment_tour_lead()
        self.start_tour(
            f"/odoo/crm/{lead.id}", "training_crm_lead_to_enrollment", login="tour_seller"
        )
        self._assert_enrolled(lead)

    def test_trial_to_enrollment_tour(self):
        """试听 → 报名: the consultant books a trial class for now (a walk-in
        family), marks it attended, then sells the course: the trial is in the
        lead's follow-up log and the child is enrolled."""
        lead = self._enrollment_tour_lead()
        self.start_tour(
            f"/odoo/crm/{lead.id}", "training_crm_trial_to_enrollment", login="tour_seller"
        )
        trial = lead.training_trial_ids
        self.assertEqual(trial.state, "attended")
        self.assertEqual(trial.course_id, lead.course_ids)
        self.assertEqual(trial.user_id, lead.user_id)
        self.assertEqual(
            (lead.followup_ids.channel, lead.followup_ids.outcome), ("trial_class", "reached")
        )
        self._assert_enrolled(lead)

    def test_book_trial_tour(self):
        consultant = new_test_user(
            self.env, login="tour_trial", groups="training_crm.group_consultant", tz="UTC"
        )
        course = self.env["training.course"].create(
            {"name": "Tour Robotics", "lesson_hours": 24, "list_price": 4000}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour Trial Lead",
                "type": "opportunity",
                "user_id": consultant.id,
                "course_ids": [Command.link(course.id)],
            }
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "training_crm_trial", login="tour_trial")
        trial = lead.training_trial_ids
        self.assertEqual(trial.course_id, course)
        self.assertEqual(trial.user_id, consultant)
        self.assertEqual(trial.state, "booked")
        self.assertEqual(trial.note, "Comes with her father")
        self.assertEqual(str(trial.date), "2099-01-15 10:00:00")
        self.assertEqual(trial.event_id.partner_ids, consultant.partner_id)

    def test_mark_trial_attended_tour(self):
        consultant = new_test_user(
            self.env, login="tour_trial_done", groups="training_crm.group_consultant"
        )
        course = self.env["training.course"].create({"name": "Tour Piano", "list_price": 2000})
        lead = self.env["crm.lead"].create(
            {"name": "Tour Trial Done", "type": "opportunity", "user_id": consultant.id}
        )
        started = fields.Datetime.now() - timedelta(hours=1)
        with freeze_time(started - timedelta(days=1)):
            trial = self.env["training.trial"].create(
                {"lead_id": lead.id, "course_id": course.id, "date": started}
            )
        self.start_tour(
            f"/odoo/crm/{lead.id}", "training_crm_trial_attended", login="tour_trial_done"
        )
        self.assertEqual(trial.state, "attended")
        self.assertEqual(
            (lead.followup_ids.channel, lead.followup_ids.outcome), ("trial_class", "reached")
        )
