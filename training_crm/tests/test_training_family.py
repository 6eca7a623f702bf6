from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .test_training_enrollment import TrainingEnrollmentCommon


class TrainingFamilyCommon(TrainingEnrollmentCommon):
    """The Zhang family: the parent of the lead (father, primary payer), a
    mother, a child of 9 and a child of 16 on the class's start (2026-03-01)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mother = cls.env["res.partner"].create(
            {"name": "Mother Li", "mobile": "+86 139 0000 1111", "email": "li@example.com"}
        )
        cls.child_1.training_birthdate = date(2017, 1, 15)  # 9 on 2026-03-01
        cls.child_2.training_birthdate = date(2009, 9, 1)  # 16
        Guardian = cls.env["training.guardian"]
        cls.relations = Guardian.create(
            [
                {
                    "student_id": child.id,
                    "guardian_id": cls.customer.id,
                    "relationship": "father",
                    "is_primary_payer": True,
                }
                for child in (cls.child_1, cls.child_2)
            ]
            + [
                {"student_id": child.id, "guardian_id": cls.mother.id, "relationship": "mother"}
                for child in (cls.child_1, cls.child_2)
            ]
        )

    def _consent(self, student=None, guardian=None, **values):
        return self.env["training.guardian.consent"].create(
            {
                "student_id": (student or self.child_1).id,
                "guardian_id": (guardian or self.mother).id,
                "date": values.pop("date", date(2026, 2, 1)),
                "method": values.pop("method", "paper"),
                **values,
            }
        )


@tagged("post_install", "-at_install")
class TestTrainingFamily(TrainingFamilyCommon):
    # ------------------------------------------------------------
    # Families
    # ------------------------------------------------------------

    def test_guardians_and_payer(self):
        """One relation per pair, one primary payer per student, and direct
        enrolments bill the primary payer by default."""
        self.assertEqual(self.child_1.training_primary_payer_id, self.customer)
        self.assertTrue(self.customer.training_is_guardian)
        self.assertTrue(self.child_1.training_is_student)
        self.assertFalse(self.child_1.parent_id, "guardians are not the student's company")
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.relations[2].is_primary_payer = True
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.env["training.guardian"].create(
                {"student_id": self.child_1.id, "guardian_id": self.mother.id}
            )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["training.guardian"].create(
                {"student_id": self.child_1.id, "guardian_id": self.child_1.id}
            )
        enrollment = self._enroll(partner_id=self.child_2.id)
        self.assertEqual(enrollment.payer_id, self.customer)
        # In the form too, when the student is chosen.
        form = Form(self.env["training.enrollment"].with_user(self.user_supervisor))
        form.partner_id = self.child_2
        self.assertEqual(form.payer_id, self.customer)

    def test_age_and_grade(self):
        self.child_2.training_school_grade = "senior_1"
        self.assertEqual(
            self.child_1.with_context(training_age_date=date(2026, 1, 14)).training_age, 8
        )
        self.assertEqual(
            self.child_1.with_context(training_age_date=date(2026, 1, 15)).training_age, 9
        )
        self.assertEqual(self.child_2.training_school_grade, "senior_1")

    def test_family_history_on_parent_and_lead(self):
        """The parent's form and a new lead of the parent show the children and
        all their enrolments; a consultant sees only those they may read."""
        mine = self._enroll(partner_id=self.child_2.id, user_id=self.user_consultant.id)
        theirs = self._enroll(
            partner_id=self.child_2.id,
            course_id=self.course_1on1.id,
            class_id=False,
            user_id=self.user_consultant_2.id,
        )
        self.assertEqual(self.customer.training_family_enrollment_ids, mine | theirs)
        self.assertEqual(self.mother.training_family_enrollment_count, 2)
        self.assertEqual(
            self.child_1.training_family_enrollment_ids, self.env["training.enrollment"]
        )
        new_lead = self.env["crm.lead"].create(
            {
                "name": "Maths for the Zhangs",
                "partner_id": self.customer.id,
                "user_id": self.user_consultant.id,
            }
        )
        as_consultant = new_lead.with_user(self.user_consultant)
        self.assertTrue(as_consultant.training_family_known)
        self.assertEqual(as_consultant.training_family_child_ids, self.child_1 | self.child_2)
        self.assertEqual(as_consultant.training_family_enrollment_ids, mine)
        action = as_consultant.action_view_training_family_enrollments()
        self.assertEqual(
            self.env["training.enrollment"]
            .with_user(self.user_consultant)
            .search(action["domain"]),
            mine,
        )
        # A pool lead of the family, read by another consultant of the team:
        # only the child whose enrolment is theirs.
        pool_lead = self.env["crm.lead"].create(
            {"name": "Pool Zhang", "partner_id": self.customer.id, "user_id": False,
             "team_id": self.team.id}
        )  # fmt: skip
        as_other = pool_lead.with_user(self.user_consultant_2)
        self.assertEqual(as_other.training_family_child_ids, self.child_2)
        self.assertEqual(as_other.training_family_enrollment_ids, theirs)
        self.assertFalse(self.child_1.with_user(self.user_consultant_2).has_access("read"))
        stranger = self.env["crm.lead"].create({"name": "Unknown family", "contact_name": "X"})
        self.assertFalse(stranger.training_family_known)

    # ------------------------------------------------------------
    # Minors' consent (PIPL)
    # ------------------------------------------------------------

    def test_consent_required_for_direct_entry(self):
        count = self.env["training.enrollment"].search_count([])
        with self.assertRaisesRegex(UserError, "Zhang Lele is under 14"), self.cr.savepoint():
            self._enroll()
        self.assertEqual(self.env["training.enrollment"].search_count([]), count)
        # 16 on the start date: no consent needed; at 13, it is.
        older = self._enroll(partner_id=self.child_2.id)
        with self.assertRaisesRegex(UserError, "under 14"), self.cr.savepoint():
            older.start_date = date(2022, 9, 1)
        # A consent from somebody who is not a guardian is refused.
        with self.assertRaises(ValidationError):
            self._consent(guardian=self.user_consultant.partner_id)
        consent = self._consent()
        self.flush_tracking()
        self.assertEqual(self._enroll().partner_id, self.child_1)
        # Withdrawn consent (archived), tracked: the next enrolment is refused.
        consent.action_archive()
        self.flush_tracking()
        self.assertIn("active", consent.message_ids.tracking_value_ids.field_id.mapped("name"))
        with self.assertRaises(UserError):
            self._enroll(course_id=self.course_1on1.id, class_id=False)

    def test_consent_age_setting_and_unknown_birthdate(self):
        self.env["ir.config_parameter"].set_param("training_crm.consent_age", "8")
        self._enroll()  # 9 is old enough now
        self.env["ir.config_parameter"].set_param("training_crm.consent_age", "14")
        self.child_1.training_birthdate = False
        # No birth date: treated as an adult, listed under "Age Unknown".
        self._enroll(course_id=self.course_1on1.id, class_id=False)
        unknown = self.env["res.partner"].search(
            [
                ("training_birthdate", "=", False),
                "|",
                ("training_enrollment_ids", "!=", False),
                ("training_guardian_ids", "!=", False),
                ("id", "in", (self.child_1 | self.child_2).ids),
            ]
        )
        self.assertEqual(unknown, self.child_1)

    def test_consent_at_sale_confirmation_and_naming(self):
        """A minor customer cannot be enrolled by confirming an order, nor named
        as the student of an order's enrolment, without consent."""
        minor_order = self._order((self.course, self.training_class, 1), lead=self.lead)
        self.customer.training_birthdate = date(2015, 5, 5)
        with self.assertRaisesRegex(UserError, "under 14"), self.cr.savepoint():
            minor_order.with_user(self.user_consultant).action_confirm()
        self.assertEqual(minor_order.state, "draft")
        self.customer.training_birthdate = False
        minor_order.with_user(self.user_consultant).action_confirm()
        editor = (
            self.env["training.enrollment.editor"]
            .with_user(self.user_consultant)
            .with_context(active_id=minor_order.id)
            .create({"sale_order_id": minor_order.id})
        )
        editor.line_ids = [
            Command.create(
                {
                    "enrollment_id": minor_order.training_enrollment_ids.id,
                    "partner_id": self.child_1.id,
                }
            )
        ]
        with self.assertRaisesRegex(UserError, "under 14"), self.cr.savepoint():
            editor.action_apply()
        self.env.invalidate_all()
        self.assertEqual(minor_order.training_enrollment_ids.partner_id, self.customer)
        self._consent()
        editor.action_apply()
        self.assertEqual(minor_order.training_enrollment_ids.partner_id, self.child_1)

    def test_consent_error_names_only_readable_students(self):
        """A consultant naming a student they may not read hears no name."""
        self.child_1.training_guardian_ids.unlink()
        self.env["crm.lead"].create(
            {"name": "Other's", "partner_id": self.child_1.id, "user_id": self.user_consultant_2.id}
        )
        self.assertFalse(self.child_1.with_user(self.user_consultant).has_access("read"))
        with self.assertRaises(UserError) as caught:
            self.env["res.partner"].with_user(self.user_consultant)._training_check_consent(
                [(self.child_1, date(2026, 3, 1))]
            )
        self.assertNotIn("Zhang Lele", str(caught.exception))

    # ------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------

    def test_lifecycle_follows_enrolments_and_dates(self):
        Partner = self.env["res.partner"]
        # The parent's open lead makes parent and children prospects.
        self.assertEqual(self.customer.training_lifecycle, "potential")
        self.assertEqual(self.child_2.training_lifecycle, "potential")
        self.assertFalse(self.user_consultant.partner_id.training_lifecycle)
        self.lead.action_set_lost()
        self.assertFalse(self.customer.training_lifecycle)
        self.assertFalse(self.child_2.training_lifecycle)
        self.env["crm.lead"].create({"name": "Zhang family", "partner_id": self.mother.id})
        self.assertEqual(self.child_2.training_lifecycle, "potential")
        self.assertIn(self.child_1, Partner.search([("training_lifecycle", "=", "potential")]))
        with freeze_time("2026-02-01"):
            enrollment = self._enroll(partner_id=self.child_2.id)
            self.assertEqual(self.child_2.training_lifecycle, "enrolled")
        with freeze_time("2026-03-01"):
            self.env["training.enrollment"]._cron_update_state()
            self.assertEqual(enrollment.state, "studying")
            self.assertEqual(self.child_2.training_lifecycle, "studying")
            # A second, later enrolment does not lower it: studying wins.
            self._enroll(
                partner_id=self.child_2.id, course_id=self.course_1on1.id, class_id=False,
                start_date=date(2026, 9, 1),
            )  # fmt: skip
            self.assertEqual(self.child_2.training_lifecycle, "studying")
        with freeze_time("2026-07-01"):
            self.env["training.enrollment"]._cron_update_state()
            self.assertEqual(enrollment.state, "graduated")
            # Enrolled in the next course beats graduated in the last.
            self.assertEqual(self.child_2.training_lifecycle, "enrolled")
        self.assertIn(self.child_2, Partner.search([("training_lifecycle", "=", "enrolled")]))
        # Cancelled enrolments do not count: graduated remains.
        self.child_2.training_enrollment_ids.filtered(
            lambda e: e.state == "enrolled"
        ).action_cancel()
        self.assertEqual(self.child_2.training_lifecycle, "graduated")

    def test_lifecycle_cron_batch_queries(self):
        """Moving enrolments on recomputes their students' lifecycle in batch:
        the scheduled action's queries do not grow with the enrolments moved."""
        Enrollment = self.env["training.enrollment"]

        def make(count):
            students = self.env["res.partner"].create(
                [{"name": f"Student {index}"} for index in range(count)]
            )
            return Enrollment.create(
                [
                    {
                        "partner_id": student.id,
                        "course_id": self.course_1on1.id,
                        "start_date": date(2026, 3, 1),
                        "end_date": date(2026, 6, 30),
                    }
                    for student in students
                ]
            )

        with freeze_time("2026-03-02"):
            few = make(2)
            self.env.flush_all()
            with self.assertQueryCount(__system__=14):
                Enrollment._cron_update_state()
            self.assertEqual(set(few.partner_id.mapped("training_lifecycle")), {"studying"})
            many = make(40)
            self.env.flush_all()
            with self.assertQueryCount(__system__=14):
                Enrollment._cron_update_state()
            self.assertEqual(set(many.partner_id.mapped("training_lifecycle")), {"studying"})

    # ------------------------------------------------------------
    # Anonymisation
    # ------------------------------------------------------------

    def _figures(self):
        Enrollment = self.env["training.enrollment"]
        return (
            Enrollment._read_group(
                [], ["user_id", "course_id", "state"], ["amount:sum", "hours:sum", "__count"]
            ),
            self.env["training.crm.followup"]._read_group(
                [], ["lead_id", "user_id", "outcome", "date:day"], ["__count"]
            ),
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group([], ["user_id", "stage_id"], ["expected_revenue:sum", "__count"]),
        )

    def test_anonymise_family_keeps_figures(self):
        self._consent(document=b"c2lnbmVk", document_name="consent.pdf")
        self.lead.partner_id = self.customer
        enrollment = self._enroll(partner_id=self.child_2.id, user_id=self.user_consultant.id)
        self.flush_tracking()
        enrollment.write({"amount": 5800, "partner_id": self.child_1.id})  # tracked
        self._log(self.lead, "reached", note="Mrs Li said her son is shy")
        self.customer.message_post(body="Father's ID card: 310101...")
        activity = self.lead.activity_schedule(
            "mail.mail_activity_data_call", summary="Call Mrs Li at 139 0000 1111"
        )
        self.flush_tracking()
        self.assertIn(
            "Zhang Lele",
            enrollment.message_ids.tracking_value_ids.mapped("new_value_char"),
        )
        figures = self._figures()

        wizard_action = self.customer.with_user(self.user_supervisor).action_training_anonymize()
        wizard = (
            self.env["training.family.anonymize"]
            .with_user(self.user_supervisor)
            .with_context(**wizard_action["context"])
            .create({"reason": "Written request of the father"})
        )
        wizard.action_anonymize()

        self.assertEqual(self._figures(), figures)
        family = self.customer | self.mother | self.child_1 | self.child_2
        self.assertEqual(set(family.mapped("training_anonymized")), {True})
        for partner in family:
            self.assertFalse(partner.mobile or partner.email or partner.phone)
            self.assertFalse(partner.training_birthdate)
            self.assertNotIn("Zhang", partner.name)
        self.assertFalse(self.lead.contact_name or self.lead.phone)
        self.assertNotIn("Test Student", self.lead.name)
        self.assertNotIn("shy", self.lead.followup_ids.note or "")
        self.assertEqual(len(self.lead.followup_ids), 1)
        bodies = " ".join(
            str(body) for body in (self.customer.message_ids | self.lead.message_ids).mapped("body")
        )
        self.assertNotIn("310101", bodies)
        self.assertNotIn("Zhang", " ".join(
            str(value)
            for value in enrollment.message_ids.tracking_value_ids.mapped("old_value_char")
            + enrollment.message_ids.tracking_value_ids.mapped("new_value_char")
        ))  # fmt: skip
        self.assertFalse(self.child_1.training_consent_ids.document)
        self.assertFalse(activity.summary)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        # Enrolments, amounts, consents (who, when, how) stay.
        self.assertEqual(enrollment.amount, 5800)
        self.assertEqual(self.child_1.training_consent_ids.method, "paper")
        log = self.env["training.family.anonymization"].search([], limit=1)
        self.assertEqual(log.user_id, self.user_supervisor)
        self.assertEqual(log.reason, "Written request of the father")
        self.assertEqual(log.partner_ids, family)
        self.assertEqual(log.lead_count, 1)

    def test_anonymise_is_for_supervisors(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_consultant).action_training_anonymize()
        with self.assertRaises(AccessError):
            self.env["training.family.anonymize"].with_user(self.user_consultant).create(
                {"partner_ids": [Command.set(self.customer.ids)], "reason": "x"}
            )
        self.assertFalse(self.customer.training_anonymized)
