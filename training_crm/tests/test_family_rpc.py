from datetime import date

from odoo.tests import new_test_user, tagged

from .test_followup_rpc import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestFamilyJsonRpc(JsonRpcMixin):
    """Families over the web client's JSON-RPC, per role: the consultant who
    owns the family's lead sees its guardians, students and consents, another
    consultant none of them (nor their names in errors); supervisors all and
    anonymise; auditors read and change nothing. A minor without consent is
    not enrolled, and nothing is written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = {
            "fam_rpc_a": "training_crm.group_consultant",
            "fam_rpc_b": "training_crm.group_consultant",
            "fam_rpc_sup": "training_crm.group_supervisor",
            "fam_rpc_aud": "training_crm.group_auditor",
        }
        cls.users = {
            login: new_test_user(cls.env, login=login, password=f"{login}_pw", groups=group)
            for login, group in roles.items()
        }
        Partner = cls.env["res.partner"]
        cls.parent = Partner.create({"name": "Parent Qian", "mobile": "+86 139 0000 2222"})
        cls.child = Partner.create({"name": "Qian Xiaobao", "training_birthdate": date(2017, 6, 1)})
        cls.relation = cls.env["training.guardian"].create(
            {
                "student_id": cls.child.id,
                "guardian_id": cls.parent.id,
                "relationship": "mother",
                "is_primary_payer": True,
            }
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Scratch for Xiaobao",
                "type": "opportunity",
                "partner_id": cls.parent.id,
                "user_id": cls.users["fam_rpc_a"].id,
            }
        )
        cls.course = cls.env["training.course"].create(
            {"name": "Maths 1-1", "teaching_mode": "one_to_one", "lesson_hours": 20}
        )

    def _ids(self, model, records):
        rows = self._call(model, "search_read", [("id", "in", records.ids)], ["id"])
        return {row["id"] for row in rows}

    def test_owner_consultant(self):
        self.authenticate("fam_rpc_a", "fam_rpc_a_pw")
        family = self.parent | self.child
        self.assertEqual(self._ids("res.partner", family), set(family.ids))
        self.assertEqual(self._ids("training.guardian", self.relation), set(self.relation.ids))
        # Records the child's consent, as the family's consultant.
        consent_id = self._call(
            "training.guardian.consent",
            "create",
            {
                "student_id": self.child.id,
                "guardian_id": self.parent.id,
                "method": "wechat",
                "date": "2026-01-10",
            },
        )
        self.assertTrue(consent_id)
        # The contact form's Family page, as the web client reads it.
        self._call("res.partner", "get_views", [[False, "form"]])
        spec = {
            "training_lifecycle": {},
            "training_age": {},
            "training_family_enrollment_count": {},
            "training_guardian_ids": {"fields": {"guardian_id": {}, "relationship": {}}},
            "training_child_ids": {"fields": {"student_id": {}, "is_primary_payer": {}}},
            "training_consent_ids": {"fields": {"guardian_id": {}, "method": {}}},
            "training_family_enrollment_ids": {"fields": {"display_name": {}}},
        }
        parent, child = self._call(
            "res.partner", "web_read", (self.parent | self.child).ids, specification=spec
        )
        self.assertEqual(parent["training_child_ids"][0]["student_id"], self.child.id)
        self.assertEqual(child["training_guardian_ids"][0]["relationship"], "mother")
        self.assertEqual(child["training_consent_ids"][0]["method"], "wechat")
        self.assertEqual(child["training_lifecycle"], "potential")
        lead = self._call(
            "crm.lead",
            "read",
            self.lead.ids,
            ["training_family_known", "training_family_child_ids"],
        )[0]
        self.assertTrue(lead["training_family_known"])
        self.assertEqual(lead["training_family_child_ids"], self.child.ids)
        error = self._call_error(
            "training.family.anonymize",
            "create",
            {"partner_ids": [[6, 0, self.parent.ids]], "reason": "asked"},
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

    def test_other_consultant(self):
        self.authenticate("fam_rpc_b", "fam_rpc_b_pw")
        family = self.parent | self.child
        self.assertEqual(self._ids("res.partner", family), set())
        self.assertEqual(self._ids("training.guardian", self.relation), set())
        potential = self._call("res.partner", "search", [("training_lifecycle", "=", "potential")])
        self.assertFalse(set(potential) & set(family.ids))
        error = self._call_error("res.partner", "read", self.child.ids, ["name"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertNotIn("Qian", error["message"])
        error = self._call_error(
            "training.guardian.consent",
            "create",
            {"student_id": self.child.id, "guardian_id": self.parent.id, "method": "paper"},
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertNotIn("Qian", error["message"])

    def test_auditor_reads_only(self):
        self.authenticate("fam_rpc_aud", "fam_rpc_aud_pw")
        self.assertEqual(self._ids("training.guardian", self.relation), set(self.relation.ids))
        rows = self._call(
            "res.partner", "read", self.child.ids, ["training_lifecycle", "training_age"]
        )
        self.assertEqual(rows[0]["training_lifecycle"], "potential")
        error = self._call_error(
            "training.guardian", "write", self.relation.ids, {"relationship": "father"}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error(
            "training.family.anonymize",
            "create",
            {"partner_ids": [[6, 0, self.parent.ids]], "reason": "asked"},
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self.relation.relationship, "mother")

    def test_supervisor_consent_and_anonymisation(self):
        self.authenticate("fam_rpc_sup", "fam_rpc_sup_pw")
        count = self.env["training.enrollment"].search_count([])
        vals = {
            "partner_id": self.child.id,
            "course_id": self.course.id,
            "start_date": "2026-03-01",
            "amount": 3000,
        }
        error = self._call_error("training.enrollment", "create", vals)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("consent", error["message"])
        self.assertEqual(self.env["training.enrollment"].search_count([]), count)
        self._call(
            "training.guardian.consent",
            "create",
            {"student_id": self.child.id, "guardian_id": self.parent.id, "method": "paper"},
        )
        enrollment_id = self._call("training.enrollment", "create", vals)
        payer = self._call("training.enrollment", "read", [enrollment_id], ["payer_id"])[0]
        self.assertEqual(payer["payer_id"][0], self.parent.id)
        wizard_id = self._call(
            "training.family.anonymize",
            "create",
            {"partner_ids": [[6, 0, self.child.ids]], "reason": "Guardian's written request"},
        )
        self._call("training.family.anonymize", "action_anonymize", [wizard_id])
        rows = self._call("res.partner", "read", (self.parent | self.child).ids, ["name", "mobile"])
        self.assertFalse(any("Qian" in row["name"] or row["mobile"] for row in rows))
        amount = self._call("training.enrollment", "read", [enrollment_id], ["amount"])[0]
        self.assertEqual(amount["amount"], 3000)
