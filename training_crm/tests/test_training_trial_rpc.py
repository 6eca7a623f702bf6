from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .test_followup_rpc import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestTrainingTrialJsonRpc(JsonRpcMixin):
    """Trial classes and their calendar events over the web client's JSON-RPC,
    per role: a consultant the trials of their own leads, and not another
    consultant's event; supervisors all; auditors read, never write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = {
            "trial_rpc_a": "training_crm.group_consultant",
            "trial_rpc_b": "training_crm.group_consultant",
            "trial_rpc_sup": "training_crm.group_supervisor",
            "trial_rpc_aud": "training_crm.group_auditor",
        }
        cls.users = {
            login: new_test_user(cls.env, login=login, password=f"{login}_pw", groups=group)
            for login, group in roles.items()
        }
        cls.course = cls.env["training.course"].create(
            {"name": "Robotics", "lesson_hours": 24, "list_price": 4000}
        )
        Lead = cls.env["crm.lead"]
        cls.lead_a = Lead.create(
            {
                "name": "Robotics for Ming",
                "type": "opportunity",
                "user_id": cls.users["trial_rpc_a"].id,
            }
        )
        cls.lead_b = Lead.create(
            {
                "name": "Robotics for Hua",
                "type": "opportunity",
                "user_id": cls.users["trial_rpc_b"].id,
            }
        )
        cls.when = fields.Datetime.to_string(
            (datetime.now() + timedelta(days=2)).replace(microsecond=0)
        )
        cls.trial_b = cls.env["training.trial"].create(
            {"lead_id": cls.lead_b.id, "course_id": cls.course.id, "date": cls.when}
        )

    def _ids(self, model, records):
        rows = self._call(model, "search_read", [("id", "in", records.ids)], ["id"])
        return {row["id"] for row in rows}

    def test_consultant_books_and_sees_own_only(self):
        self.authenticate("trial_rpc_a", "trial_rpc_a_pw")
        trial_id = self._call(
            "training.trial",
            "create",
            {"lead_id": self.lead_a.id, "course_id": self.course.id, "date": self.when},
        )
        trial = self.env["training.trial"].browse(trial_id)
        self.assertEqual(trial.user_id, self.users["trial_rpc_a"])
        self.assertEqual(self._ids("training.trial", trial | self.trial_b), {trial_id})
        events = trial.event_id | self.trial_b.event_id
        self.assertEqual(self._ids("calendar.event", events), set(trial.event_id.ids))
        error = self._call_error("calendar.event", "read", self.trial_b.event_id.ids, ["name"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        attendees = self.trial_b.event_id.attendee_ids
        self.assertTrue(attendees)
        self.assertFalse(self._ids("calendar.attendee", attendees), "nor its attendees")
        error = self._call_error("calendar.attendee", "read", attendees.ids, ["event_id"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error("training.trial", "read", self.trial_b.ids, ["state"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error(
            "training.trial",
            "create",
            {"lead_id": self.lead_b.id, "course_id": self.course.id, "date": self.when},
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertFalse(self.env["training.trial"].search([("id", ">", trial_id)]))

    def test_supervisor_sees_all(self):
        self.authenticate("trial_rpc_sup", "trial_rpc_sup_pw")
        trial_id = self._call(
            "training.trial",
            "create",
            {"lead_id": self.lead_a.id, "course_id": self.course.id, "date": self.when},
        )
        trials = self.trial_b | self.env["training.trial"].browse(trial_id)
        self.assertEqual(self._ids("training.trial", trials), set(trials.ids))
        self.assertEqual(self._ids("calendar.event", trials.event_id), set(trials.event_id.ids))
        self.assertEqual(trials[1].user_id, self.users["trial_rpc_a"], "the lead's owner")
        self._call("training.trial", "action_cancel", self.trial_b.ids)
        self.assertEqual(self.trial_b.state, "cancelled")

    def test_auditor_reads_never_writes(self):
        self.authenticate("trial_rpc_aud", "trial_rpc_aud_pw")
        self.assertEqual(self._ids("training.trial", self.trial_b), set(self.trial_b.ids))
        self.assertEqual(
            self._ids("calendar.event", self.trial_b.event_id), set(self.trial_b.event_id.ids)
        )
        for method, args in (
            ("write", [self.trial_b.ids, {"note": "Audited"}]),
            ("action_cancel", [self.trial_b.ids]),
            ("action_mark_no_show", [self.trial_b.ids]),
            (
                "create",
                [{"lead_id": self.lead_a.id, "course_id": self.course.id, "date": self.when}],
            ),
        ):
            error = self._call_error("training.trial", method, *args)
            self.assertEqual(error["name"], "odoo.exceptions.AccessError", method)
        event = self.trial_b.event_id
        self.assertEqual(
            self._ids("calendar.attendee", event.attendee_ids), set(event.attendee_ids.ids)
        )
        error = self._call_error("calendar.event", "write", event.ids, {"name": "Audited"})
        self.assertEqual(error["name"], "odoo.exceptions.AccessError", "the event neither")
        self.assertEqual(self.trial_b.state, "booked")
        self.assertFalse(self.trial_b.note)
