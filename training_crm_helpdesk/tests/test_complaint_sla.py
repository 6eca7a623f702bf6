# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, tagged

from .common import setup_complaints

ACTIVITY_TYPE = "training_crm_helpdesk.mail_activity_type_complaint_sla"
SHANGHAI = timedelta(hours=8)  # no daylight saving time in China


@tagged("post_install", "-at_install")
class TestComplaintSla(TransactionCase):
    """The seeds' three service levels (contacted within 1 working hour, a
    plan within 1 working day, resolved within 3) on the school's week:
    Tuesday to Sunday 9:00-12:00 and 13:00-18:00, closed on Mondays,
    public holidays off, make-up working days on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_complaints(cls, "hdsla")
        cls.calendar = cls.env.ref("training_crm_helpdesk.resource_calendar_school")
        cls.slas = {
            step: cls.env.ref(f"training_crm_helpdesk.helpdesk_sla_complaint_{step}")
            for step in ("contacted", "plan", "resolved")
        }
        # Only the shipped service levels apply, whatever else a database holds.
        cls.env["helpdesk.sla"].search(
            [("id", "not in", [sla.id for sla in cls.slas.values()])]
        ).active = False
        cls.team.write(
            {"user_id": cls.users["sup"].id, "user_ids": [Command.link(cls.users["cs"].id)]}
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @contextmanager
    def _at(self, local):
        """Run at a school-local time (Asia/Shanghai): the clock and the
        transaction's NOW, which stamps create_date, both move."""
        utc = local - SHANGHAI
        with freeze_time(utc), patch.object(self.env.cr, "now", lambda: utc):
            yield

    def _complaint_at(self, local, **values):
        with self._at(local):
            return (
                self.env["helpdesk.ticket"]
                .with_user(self.users["cs"])
                .create(
                    dict(
                        {
                            "name": "The teacher was late again",
                            "description": "<p>The family complains.</p>",
                            "team_id": self.team.id,
                            "user_id": self.users["cs"].id,
                            "training_enrollment_id": self.enrollment.id,
                        },
                        **values,
                    )
                )
            )

    def _deadlines(self, complaint):
        """Each service level's deadline, school-local."""
        return {
            step: complaint.ticket_sla_ids.filtered(
                lambda line, sla=sla: line.sla_id == sla
            ).deadline
            + SHANGHAI
            for step, sla in self.slas.items()
        }

    def _holiday(self, name, first, last):
        self.env["resource.calendar.leaves"].create(
            {
                "name": name,
                "calendar_id": self.calendar.id,
                "date_from": datetime.combine(first, datetime.min.time()) - SHANGHAI,
                "date_to": datetime.combine(last, datetime.max.time().replace(microsecond=0))
                - SHANGHAI,
            }
        )

    def _make_up_day(self, day):
        self.calendar.attendance_ids = [
            Command.create(
                {
                    "name": f"Make-up day {day} ({period})",
                    "dayofweek": str(day.weekday()),
                    "date_from": day,
                    "date_to": day,
                    "hour_from": hour_from,
                    "hour_to": hour_to,
                    "day_period": period,
                }
            )
            for period, hour_from, hour_to in (("morning", 9, 12), ("afternoon", 13, 18))
        ]

    def _move(self, complaint, step, local, **values):
        with self._at(local):
            complaint.with_user(self.users["cs"]).write(dict(values, stage_id=self.stages[step].id))

    def _warn_at(self, local):
        with self._at(local):
            self.env["helpdesk.ticket.sla"]._cron_warn_complaint_breaches()

    def _warnings(self, complaint):
        return complaint.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref(ACTIVITY_TYPE)
        )

    # ------------------------------------------------------------
    # Deadlines on the school's week
    # ------------------------------------------------------------

    def test_three_service_levels_on_every_complaint(self):
        complaint = self._complaint_at(datetime(2028, 3, 4, 10, 0))
        self.assertTrue(self.team.use_sla)
        self.assertEqual(self.team.resource_calendar_id, self.calendar)
        self.assertEqual(
            complaint.ticket_sla_ids.sla_id.mapped("name"),
            ["Family contacted", "Plan given", "Resolved"],
        )
        self.assertEqual(
            complaint.ticket_sla_ids.mapped("expected_stage_id"),
            self.stages["contacted"] | self.stages["plan"] | self.stages["resolved"],
        )
        self.assertEqual(set(complaint.ticket_sla_ids.mapped("state")), {"in_progress"})

    def test_the_weekend_is_open(self):
        """A complaint on Saturday at 17:30: half an hour is left that day,
        Sunday is a full working day, Monday is closed."""
        saturday = datetime(2028, 3, 4, 17, 30)
        self.assertEqual(saturday.strftime("%A"), "Saturday")
        deadlines = self._deadlines(self._complaint_at(saturday))
        self.assertEqual(deadlines["contacted"], datetime(2028, 3, 5, 9, 30))  # Sunday
        self.assertEqual(deadlines["plan"], datetime(2028, 3, 5, 17, 30))  # Sunday
        # Saturday 0.5 h + Sunday 8 h, Monday closed, Tuesday 8 h, Wednesday 7.5 h.
        self.assertEqual(deadlines["resolved"], datetime(2028, 3, 8, 17, 30))

    def test_monday_is_closed(self):
        sunday = datetime(2028, 3, 5, 17, 30)
        self.assertEqual(sunday.strftime("%A"), "Sunday")
        deadlines = self._deadlines(self._complaint_at(sunday))
        self.assertEqual(deadlines["contacted"], datetime(2028, 3, 7, 9, 30))  # Tuesday

    def test_public_holidays_are_off(self):
        """Labour Day week (Monday 1 to Friday 5 May) off: a complaint on the
        Sunday evening before waits for Saturday."""
        self._holiday("Labour Day", date(2028, 5, 1), date(2028, 5, 5))
        sunday = datetime(2028, 4, 30, 17, 30)
        self.assertEqual(sunday.strftime("%A"), "Sunday")
        deadlines = self._deadlines(self._complaint_at(sunday))
        self.assertEqual(deadlines["contacted"], datetime(2028, 5, 6, 9, 30))  # Saturday
        self.assertEqual(deadlines["plan"], datetime(2028, 5, 6, 17, 30))
        # Sunday 0.5 h, Saturday 8 h, Sunday 8 h, Monday closed, Tuesday 7.5 h.
        self.assertEqual(deadlines["resolved"], datetime(2028, 5, 9, 17, 30))

    def test_make_up_working_day_counts(self):
        """The school closed for Labour Day opens on Monday 8 May instead (调休):
        that Monday counts, other Mondays stay closed."""
        self._holiday("Labour Day", date(2028, 5, 1), date(2028, 5, 5))
        self._make_up_day(date(2028, 5, 8))
        deadlines = self._deadlines(self._complaint_at(datetime(2028, 4, 30, 17, 30)))
        # Sunday 0.5 h, Saturday 8 h, Sunday 8 h, make-up Monday 7.5 h.
        self.assertEqual(deadlines["resolved"], datetime(2028, 5, 8, 17, 30))
        on_sunday = self._deadlines(self._complaint_at(datetime(2028, 5, 7, 17, 30)))
        self.assertEqual(on_sunday["contacted"], datetime(2028, 5, 8, 9, 30))  # Monday
        next_sunday = self._deadlines(self._complaint_at(datetime(2028, 5, 14, 17, 30)))
        self.assertEqual(next_sunday["contacted"], datetime(2028, 5, 16, 9, 30))  # Tuesday

    # ------------------------------------------------------------
    # Met, missed, flagged and counted
    # ------------------------------------------------------------

    def test_met_and_missed_service_levels(self):
        complaint = self._complaint_at(datetime(2028, 3, 4, 17, 30))
        lines = {line.sla_id: line for line in complaint.ticket_sla_ids}
        self._move(complaint, "contacted", datetime(2028, 3, 5, 9, 15))
        self.assertEqual(lines[self.slas["contacted"]].state, "accomplished")
        with self._at(datetime(2028, 3, 5, 16, 0)):
            complaint.invalidate_recordset()
            self.assertFalse(complaint.sla_expired)
            expired_before = self.team.training_sla_expired_count  # other complaints
        # The plan is due on Sunday at 17:30: at 18:00 it is late.
        with self._at(datetime(2028, 3, 5, 18, 0)):
            complaint.invalidate_recordset()
            self.team.invalidate_recordset()
            self.assertTrue(complaint.sla_expired)
            self.assertIn(
                complaint, self.env["helpdesk.ticket"].search([("sla_expired", "=", True)])
            )
            self.assertEqual(self.team.training_sla_expired_count, expired_before + 1)
        self._move(
            complaint, "plan", datetime(2028, 3, 5, 18, 5), training_resolution_plan="Teacher swap."
        )
        self.assertEqual(lines[self.slas["plan"]].state, "expired")
        self.assertEqual(lines[self.slas["contacted"]].state, "accomplished")
        self.assertEqual(lines[self.slas["resolved"]].state, "in_progress")

    # ------------------------------------------------------------
    # Warnings before a breach
    # ------------------------------------------------------------

    def test_owner_and_supervisor_warned_once_before_a_breach(self):
        complaint = self._complaint_at(datetime(2028, 3, 4, 17, 30))  # contact due Sun 9:30
        self._warn_at(datetime(2028, 3, 5, 8, 30))
        self.assertFalse(self._warnings(complaint), "an hour before: too early")
        self._warn_at(datetime(2028, 3, 5, 9, 10))
        warnings = self._warnings(complaint)
        self.assertEqual(warnings.user_id, self.users["cs"] | self.users["sup"])
        self.assertEqual(set(warnings.mapped("date_deadline")), {date(2028, 3, 5)})
        self.assertIn("Family contacted", warnings[0].summary)
        self.assertNotIn(self.users["con"], warnings.user_id, "not the consultant concerned")
        self._warn_at(datetime(2028, 3, 5, 9, 20))
        self.assertEqual(self._warnings(complaint), warnings, "warned once")
        # Contacted in time: the warnings are done.
        self._move(complaint, "contacted", datetime(2028, 3, 5, 9, 25))
        self.assertFalse(self._warnings(complaint))
        self.assertFalse(warnings.exists())

    def test_warning_goes_to_the_consultants_team_leader_without_a_complaints_leader(self):
        self.team.user_id = False
        leader = self.users["sup"]
        self.env["crm.team"].create(
            {
                "name": "Consultants East",
                "user_id": leader.id,
                "member_ids": [Command.link(self.users["con"].id)],
            }
        )
        complaint = self._complaint_at(datetime(2028, 3, 4, 17, 30))
        self._warn_at(datetime(2028, 3, 5, 9, 10))
        self.assertEqual(self._warnings(complaint).user_id, self.users["cs"] | leader)

    def test_one_warning_per_person_for_levels_due_together(self):
        """Received on a Monday (closed), not handled: by Tuesday evening the
        three levels are all past, unwarned; each person gets one activity."""
        complaint = self._complaint_at(datetime(2028, 3, 6, 10, 0))
        self._warn_at(datetime(2028, 3, 15, 10, 0))
        warnings = self._warnings(complaint)
        self.assertEqual(len(warnings), 2)
        self.assertIn("Family contacted, Plan given, Resolved", warnings[0].summary)
        self.assertTrue(all(complaint.ticket_sla_ids.mapped("training_warned")))

    def test_warning_goes_to_every_supervisor_without_a_leader(self):
        self.team.user_id = False
        complaint = self._complaint_at(datetime(2028, 3, 4, 17, 30))
        self._warn_at(datetime(2028, 3, 5, 9, 10))
        warned = self._warnings(complaint).user_id
        self.assertIn(self.users["sup"], warned)
        self.assertIn(self.users["cs"], warned)
        self.assertNotIn(self.users["con"], warned)
        self.assertNotIn(self.users["aud"], warned)

    def test_warning_queries_do_not_grow_with_the_complaints(self):
        def cost(count):
            complaints = self.env["helpdesk.ticket"]
            for _index in range(count):
                complaints |= self._complaint_at(datetime(2028, 3, 4, 17, 30))
            self.env.flush_all()
            self.env.invalidate_all()
            with self._at(datetime(2028, 3, 5, 9, 10)):
                before = self.env.cr.sql_log_count
                self.env["helpdesk.ticket.sla"]._cron_warn_complaint_breaches()
                spent = self.env.cr.sql_log_count - before
            self.assertEqual(len(self._warnings(complaints)), 2 * count)
            return spent

        self._warn_at(datetime(2028, 3, 5, 9, 10))  # others', e.g. demo complaints
        one, six = cost(1), cost(6)
        self.assertEqual(one, six)

    def test_warning_window_is_a_setting(self):
        self.env["res.config.settings"].create(
            {"training_complaint_warning_minutes": 120}
        ).execute()
        complaint = self._complaint_at(datetime(2028, 3, 4, 17, 30))
        self._warn_at(datetime(2028, 3, 5, 8, 0))
        self.assertEqual(len(self._warnings(complaint)), 2)

    # ------------------------------------------------------------
    # The family kept informed, by staff without e-mail
    # ------------------------------------------------------------

    def test_customer_service_without_email_informs_the_family(self):
        self.lele.email = "lele.family@example.com"
        complaint = self._complaint_at(datetime(2028, 3, 4, 10, 0), partner_id=self.lele.id)
        cs = self.users["cs"]
        self.assertFalse(cs.email)
        message = complaint.with_user(cs).message_post(
            body="We called the teacher: she will be on time from next week.",
            partner_ids=self.lele.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(message.author_id, cs.partner_id)
        self.assertIn(self.lele, message.notified_partner_ids)
