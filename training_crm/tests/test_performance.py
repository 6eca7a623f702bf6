from lxml import etree

from odoo.tests import tagged, users, warmup

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestTrainingCrmQueries(TrainingCrmCommon):
    """Query counts of each act, locked. A query inside a loop over records, or
    a lookup that grows with the database, shows here first. Stock crm's
    equivalent of each act is given for comparison (measured the same way)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("training_crm.invalid_after_attempts", "0")
        Lead = cls.env["crm.lead"]
        cls.owned = Lead.create(
            [
                {
                    "name": f"Owned {i}",
                    "type": "opportunity",
                    "phone": f"+86 139 0000 {i:04d}",
                    "user_id": cls.user_consultant.id,
                    "team_id": cls.team.id,
                    "intent_grade_id": cls.grade_b.id,
                }
                for i in range(3)
            ]
        )
        cls.pool = Lead.create(
            [
                {
                    "name": f"Pool {i}",
                    "type": "opportunity",
                    "phone": f"+86 139 1000 {i:04d}",
                    "user_id": False,
                    "team_id": cls.team.id,
                }
                for i in range(60)
            ]
        )
        # Each owned lead has a due Follow-up activity, as after any logged contact.
        cls.env["training.crm.followup"].create(
            [
                {
                    "lead_id": lead.id,
                    "user_id": cls.user_consultant.id,
                    "outcome": "reached",
                    "note": "First call",
                }
                for lead in cls.owned
            ]
        )

    def _pool_leads(self, count):
        return self.pool.filtered(lambda lead: not lead.user_id)[:count]

    @users("tc_consultant")
    @warmup
    def test_log_followup_on_own_lead(self):
        # crm (mark the due activity done, schedule the next one): 29
        # training_crm: 33 (the follow-up row, the lead's counters, the owner check)
        lead = self.owned[0]
        with self.assertQueryCount(tc_consultant=33):
            self.env["training.crm.followup"].create(
                {"lead_id": lead.id, "outcome": "no_answer", "note": "No answer."}
            )
        self.assertEqual(len(lead._get_followup_activities()), 1)

    @users("tc_consultant")
    @warmup
    def test_first_contact_on_pool_lead(self):
        # crm (assign to oneself, post a note): 29
        # training_crm: 35 (the follow-up row, the row lock, the person lookup; the
        # summary rides on the tracking message instead of a note of its own)
        lead = self._pool_leads(1)
        with self.assertQueryCount(tc_consultant=35):
            self.env["training.crm.followup"].create(
                {"lead_id": lead.id, "outcome": "reached", "note": "Reached."}
            )
        self.assertEqual(lead.user_id, self.env.user)

    @users("tc_consultant")
    @warmup
    def test_claim(self):
        lead = self._pool_leads(1).with_user(self.env.user)
        with self.assertQueryCount(tc_consultant=22):
            lead.action_claim()
        self.assertEqual(lead.user_id, self.env.user)

    @users("tc_consultant")
    @warmup
    def test_create_lead(self):
        # the collision lookup: one query
        with self.assertQueryCount(tc_consultant=34):
            self.env["crm.lead"].create(
                {
                    "name": "Walk-in",
                    "contact_name": "New Student",
                    "phone": "+86 139 2000 0001",
                    "email_from": "walk-in@example.com",
                    "team_id": self.team.id,
                }
            )

    @users("tc_supervisor")
    @warmup
    def test_import_checks_collisions_once_a_batch(self):
        """One collision lookup a batch: what grows with the rows is crm's own
        creation message per lead."""
        for size, queries in ((30, 237), (300, 2126)):
            vals = [
                {"name": f"Row {i}", "phone": f"+86 137 {size:04d} {i:04d}"} for i in range(size)
            ]
            vals[size // 2]["phone"] = self.lead.phone
            with self.assertQueryCount(tc_supervisor=queries):
                leads = self.env["crm.lead"].with_context(import_file=True).create(vals)
            self.assertEqual(leads.filtered("collision_lead_id"), leads[size // 2])

    @users("tc_supervisor")
    @warmup
    def test_first_contacts_in_batch(self):
        """Historic follow-ups imported at once: one lock and one person lookup
        a batch. What grows with the leads is crm's own: the tracking message and
        the assignment notice to the new salesperson. The consultants' time zones
        (each follow-up's local day) are one read a batch: 215 and 741 before."""
        for size, queries in ((5, 216), (20, 742)):
            leads = self._pool_leads(size)
            with self.assertQueryCount(tc_supervisor=queries):
                self.env["training.crm.followup"].create(
                    [
                        {
                            "lead_id": lead.id,
                            "user_id": self.user_consultant.id,
                            "outcome": "reached",
                            "note": "Imported call",
                        }
                        for lead in leads
                    ]
                )
            self.assertEqual(leads.user_id, self.user_consultant)

    @users("tc_consultant")
    @warmup
    def test_log_followup_does_not_grow_with_the_database(self):
        lead = self.owned[1]
        with self.assertQueryCount(tc_consultant=33):
            self.env["training.crm.followup"].create(
                {"lead_id": lead.id, "outcome": "no_answer", "note": "No answer."}
            )
        leads = (
            self.env["crm.lead"]
            .sudo()
            .create([{"name": f"Bulk {i}", "user_id": self.env.uid} for i in range(60)])
        )
        self.env["training.crm.followup"].sudo().create(
            [
                {"lead_id": lead.id, "outcome": "no_answer", "note": "x", "user_id": self.env.uid}
                for lead in leads
                for _i in range(3)
            ]
        )
        lead = self.owned[2]
        with self.assertQueryCount(tc_consultant=33):
            self.env["training.crm.followup"].create(
                {"lead_id": lead.id, "outcome": "no_answer", "note": "No answer."}
            )

    @users("tc_consultant")
    @warmup
    def test_my_pipeline_kanban(self):
        """The consultant's pipeline cards: the pool and dispute badges and the
        next follow-up come with the cards' own query (in_dispute is stored);
        the grade badges add one read of the grades' names."""
        Lead = self.env["crm.lead"]
        views = Lead.get_views([(False, "kanban")])
        arch = etree.fromstring(views["views"]["kanban"]["arch"])
        fields_info = views["models"]["crm.lead"]["fields"]
        spec = {}
        for node in arch.iter("field"):
            kind = fields_info[node.get("name")]["type"]
            if kind == "many2one":
                spec[node.get("name")] = {"fields": {"display_name": {}}}
            elif kind in ("one2many", "many2many"):
                spec[node.get("name")] = {"fields": {"display_name": {}}}
            else:
                spec.setdefault(node.get("name"), {})
        self.env.invalidate_all()
        with self.assertQueryCount(tc_consultant=12):
            cards = Lead.web_search_read(
                [("user_id", "=", self.env.uid), ("type", "=", "opportunity")],
                specification=spec,
                limit=80,
            )
        self.assertIn("intent_grade_id", cards["records"][0])
        self.assertIn("in_dispute", cards["records"][0])
