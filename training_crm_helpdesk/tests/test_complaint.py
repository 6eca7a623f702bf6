# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import setup_complaints


@tagged("post_install", "-at_install")
class TestComplaint(TransactionCase):
    """Complaints on the helpdesk: the team's own stages, the links to the
    student's enrolment, the one-click creation and the stage rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_complaints(cls, "hd")

    def _complaint(self, user=None, **values):
        Ticket = self.env["helpdesk.ticket"].with_user(user or self.users["cs"])
        return Ticket.create(
            dict(
                {
                    "name": "Teacher late three times",
                    "description": "<p>The family complains.</p>",
                    "team_id": self.team.id,
                    "training_enrollment_id": self.enrollment.id,
                },
                **values,
            )
        )

    def test_shipped_team_categories_and_stages(self):
        self.assertEqual(
            self.team.category_ids.mapped("name"),
            [
                "Teaching quality",
                "Teachers",
                "Service process",
                "Fees and refunds",
                "Schedule",
                "Facilities",
            ],
        )
        self.assertEqual(
            self.team._get_applicable_stages().mapped("training_step"),
            ["new", "contacted", "plan", "resolved", "closed"],
        )
        # Other teams keep the helpdesk's shared stages, none of ours.
        other = self.env["helpdesk.ticket.team"].create({"name": "IT"})
        self.assertFalse(
            set(other._get_applicable_stages().ids) & {s.id for s in self.stages.values()}
        )
        self.assertTrue(other._get_applicable_stages())

    def test_complaint_from_enrollment(self):
        complaint = self._complaint()
        self.assertEqual(complaint.stage_id, self.stages["new"])
        self.assertEqual(complaint.training_student_id, self.lele)
        self.assertEqual(complaint.training_consultant_id, self.users["con"])

    def test_one_click_from_enrollment_and_contact(self):
        action = self.enrollment.with_user(self.users["cs"]).action_training_new_complaint()
        form = Form(
            self.env["helpdesk.ticket"]
            .with_user(self.users["cs"])
            .with_context(**action["context"])
        )
        form.name = "Refund delayed"
        form.description = "<p>Waiting for two weeks.</p>"
        complaint = form.save()
        self.assertEqual(complaint.team_id, self.team)
        self.assertEqual(complaint.training_enrollment_id, self.enrollment)
        self.assertEqual(complaint.training_student_id, self.lele)
        self.assertEqual(complaint.training_consultant_id, self.users["con"])
        self.assertEqual(complaint.stage_id, self.stages["new"])

        action = self.xixi.with_user(self.users["sup"]).action_training_new_complaint()
        self.assertEqual(action["context"]["default_training_student_id"], self.xixi.id)
        self.assertEqual(action["context"]["default_team_id"], self.team.id)
        # A consultant reads complaints, does not open them.
        with self.assertRaises(AccessError):
            self.lele.with_user(self.users["con"]).action_training_new_complaint()

    def test_resolve_needs_plan(self):
        complaint = self._complaint()
        complaint.stage_id = self.stages["contacted"]
        for step in ("plan", "resolved"):
            with self.assertRaisesRegex(UserError, "resolution plan"):
                complaint.stage_id = self.stages[step]
            self.assertEqual(complaint.stage_id, self.stages["contacted"])
        # Blank is no plan.
        with self.assertRaises(UserError):
            complaint.write(
                {"stage_id": self.stages["resolved"].id, "training_resolution_plan": " "}
            )
        self.assertFalse(complaint.training_resolution_plan)
        complaint.write(
            {"stage_id": self.stages["resolved"].id, "training_resolution_plan": "Change teacher"}
        )
        self.assertEqual(complaint.stage_id, self.stages["resolved"])

    def test_only_the_teams_stages(self):
        """A complaint cannot go to a shared helpdesk stage (its service levels
        count the Complaints stages in order); other tickets still can."""
        complaint = self._complaint()
        shared = self.env["helpdesk.ticket.stage"].search(
            [("team_ids", "=", False), ("closed", "=", True)], limit=1
        )
        with self.assertRaises(UserError):
            complaint.with_user(self.users["cs"]).stage_id = shared
        self.assertEqual(complaint.stage_id, self.stages["new"])
        # The form's status bar offers the team's stages only.
        arch = etree.fromstring(self.env["helpdesk.ticket"].get_view(view_type="form")["arch"])
        stage_domain = arch.xpath("//header/field[@name='stage_id']")[0].get("domain")
        self.assertTrue(
            stage_domain.startswith("training_complaint and [('team_ids', '=', team_id)]")
        )
        it_team = self.env["helpdesk.ticket.team"].create({"name": "IT"})
        other = self.env["helpdesk.ticket"].create(
            {"name": "Printer", "description": "<p>Jammed.</p>", "team_id": it_team.id}
        )
        other.stage_id = shared
        self.assertEqual(other.stage_id, shared)

    def test_close_only_resolved(self):
        complaint = self._complaint(training_resolution_plan="Change teacher")
        complaint.stage_id = self.stages["plan"]
        with self.assertRaisesRegex(UserError, "Only a resolved complaint"):
            complaint.stage_id = self.stages["closed"]
        self.assertEqual(complaint.stage_id, self.stages["plan"])
        self.assertFalse(complaint.closed_date)
        complaint.stage_id = self.stages["resolved"]
        with self.assertRaisesRegex(UserError, "Tell the family"):
            complaint.stage_id = self.stages["closed"]
        self.assertEqual(complaint.stage_id, self.stages["resolved"])
        complaint.with_user(self.users["cs"]).action_training_family_informed()
        self.assertTrue(complaint.training_informed_date)
        complaint.stage_id = self.stages["closed"]
        self.assertTrue(complaint.closed)

    def test_a_message_to_the_family_informs_it(self):
        complaint = self._complaint(partner_id=self.lele.id)
        cs = complaint.with_user(self.users["cs"])
        cs.message_post(body="Internal: checking with the teacher.", message_type="comment")
        self.assertFalse(complaint.training_informed_date, "a note does not inform")
        cs.message_post(
            body="The teacher will be on time from next week.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.lele.ids,
        )
        self.assertTrue(complaint.training_informed_date)
        # A message to the followers reaches the family too when it follows.
        other = self._complaint(partner_id=self.lele.id)
        other.message_subscribe(partner_ids=self.lele.ids)
        other.with_user(self.users["cs"]).message_post(
            body="Plan: a new teacher from Monday.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertTrue(other.training_informed_date)

    def test_reopenings_are_not_entered(self):
        complaint = self._complaint()
        with self.assertRaises(UserError):
            complaint.with_user(self.users["sup"]).write(
                {"training_reopen_count": 0, "training_resolution_plan": "x"}
            )
        self.assertFalse(complaint.training_resolution_plan)

    def test_family_informed_needs_write_access(self):
        complaint = self._complaint()
        with self.assertRaises(AccessError):
            complaint.with_user(self.users["con"]).action_training_family_informed()
        with self.assertRaises(AccessError):
            complaint.with_user(self.users["aud"]).action_training_family_informed()
        self.assertFalse(complaint.training_informed_date)

    def test_investigation_closed_to_consultant(self):
        complaint = self._complaint(training_cause="Teacher overbooked")
        mine = complaint.with_user(self.users["con"])
        self.assertEqual(mine.name, "Teacher late three times")
        with self.assertRaises(AccessError):
            mine.read(["training_cause"])
        self.assertEqual(
            complaint.with_user(self.users["aud"]).training_cause, "Teacher overbooked"
        )
        with self.assertRaises(AccessError):
            complaint.with_user(self.users["aud"]).write({"training_cause": "x"})
        with self.assertRaises(AccessError):
            complaint.with_user(self.users["con_2"]).read(["name"])

    def test_complaints_menu_in_crm_for_consultants_supervisors_and_auditors(self):
        """Consultants, supervisors and auditors reach complaints from the CRM
        app, not the Helpdesk (customer service's); each sees what the rules
        let them: the consultant only complaints about their students."""
        mine = self._complaint()
        other = self._complaint(training_enrollment_id=self.enrollment_2.id)
        menu = self.env.ref("training_crm_helpdesk.helpdesk_ticket_menu_training_complaints")
        action = self.env.ref("training_crm_helpdesk.helpdesk_ticket_action_training_complaints")
        for role in ("con", "sup", "aud"):
            visible = self.env["ir.ui.menu"].with_user(self.users[role])._visible_menu_ids()
            self.assertIn(menu.id, visible, role)
        visible = self.env["ir.ui.menu"].with_user(self.users["cs"])._visible_menu_ids()
        self.assertNotIn(menu.id, visible)
        Ticket = self.env["helpdesk.ticket"]
        domain = [("id", "in", (mine | other).ids), *safe_eval(action.domain)]
        self.assertEqual(Ticket.with_user(self.users["con"]).search(domain), mine)
        self.assertEqual(Ticket.with_user(self.users["aud"]).search(domain), mine | other)
        self.assertEqual(Ticket.with_user(self.users["sup"]).search(domain), mine | other)
