# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo.tests import TransactionCase, tagged

from odoo.addons.training_crm_reports.tests.test_meeting_pack import (
    RUN,
    school_time,
    setup_pack_school,
)


@tagged("post_install", "-at_install")
class TestMeetingPackComplaints(TransactionCase):
    """The helpdesk adds the week's complaints to the packs: the school's
    complaints for its supervisors, a campus's (those about its enrolments)
    for its leader; tickets of other helpdesk teams are no complaints."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_pack_school(cls, "mpc16")
        Team = cls.env["helpdesk.ticket.team"]
        common = {"company_id": cls.company.id}
        complaints = Team.create({"name": "mpc16 Complaints", "training_complaint": True, **common})
        questions = Team.create({"name": "mpc16 Questions", **common})
        enrollments = cls.env["training.enrollment"].search([("company_id", "=", cls.company.id)])
        campus_1 = enrollments.filtered(lambda enrollment: enrollment.team_id == cls.team)[:1]
        campus_2 = enrollments.create(
            {
                "partner_id": campus_1.partner_id.id,
                "course_id": campus_1.course_id.id,
                "user_id": cls.con_2.id,
                "team_id": cls.team_2.id,
                "company_id": cls.company.id,
                "amount": 1000,
            }
        )
        # In the week: 2 complaints (1 of campus 1) and a question; before it, a complaint.
        for day, team, enrollment in (
            (11, complaints, campus_1),
            (13, complaints, campus_2),
            (12, questions, campus_1),
            (7, complaints, campus_1),
        ):
            with school_time(cls.env, datetime(2031, 3, day, 10)):
                cls.env["helpdesk.ticket"].create(
                    {
                        "name": "The family complains",
                        "description": "<p>The family complains.</p>",
                        "team_id": team.id,
                        "training_enrollment_id": enrollment.id,
                        **common,
                    }
                )

    def test_complaints_in_packs(self):
        with school_time(self.env, RUN):
            packs = self.env["training.crm.meeting.pack"]._send_training_packs("weekly")
        figures = {
            (pack.user_id, pack.team_id): pack.line_ids.filtered(
                lambda line: line.section == "complaints"
            ).count
            for pack in packs
            if pack.company_id == self.company
        }
        self.assertEqual(figures[(self.sup, self.env["crm.team"])], 2)
        self.assertEqual(figures[(self.sup_mail, self.team)], 1)
        pack = packs.filtered(lambda pack: pack.user_id == self.sup)
        line = pack.line_ids.filtered(lambda line: line.section == "complaints")
        self.assertEqual(line.with_context(lang="en_US").name, "Complaints")
        with school_time(self.env, RUN):
            action = line.with_user(self.sup).action_open_records()
            tickets = self.env["helpdesk.ticket"].with_user(self.sup).search(action["domain"])
        self.assertEqual(len(tickets), 2)
        # In the recipient's language (English for the campus leader).
        campus = packs.filtered(lambda pack: pack.team_id == self.team)
        message = self.env["mail.message"].search(
            [("model", "=", campus._name), ("res_id", "=", campus.id)]
        )
        self.assertIn("Complaints", message.body)
