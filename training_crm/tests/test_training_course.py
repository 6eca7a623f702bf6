from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import TrainingCrmCommon


@tagged("post_install", "-at_install")
class TestTrainingCourse(TrainingCrmCommon):
    """Courses sold through Sales: product sync, lesson-hour packages, classes
    and their seats, the checks at confirmation, courses of interest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category = cls.env["training.course.category"].create({"name": "Languages"})
        cls.course = cls.env["training.course"].create(
            {
                "name": "IELTS Intensive",
                "code": "IELTS-T",
                "category_id": cls.category.id,
                "teaching_mode": "face_to_face",
                "lesson_hours": 60,
                "sessions_per_week": 3,
                "list_price": 9800,
            }
        )
        cls.course_1on1 = cls.env["training.course"].create(
            {
                "name": "Maths One-to-one",
                "teaching_mode": "one_to_one",
                "lesson_hours": 20,
                "price_per_hour": 300,
            }
        )
        cls.training_class = cls.env["training.class"].create(
            {
                "name": "IELTS Spring 1",
                "course_id": cls.course.id,
                "date_start": date(2026, 3, 1),
                "date_end": date(2026, 5, 1),
                "seats": 2,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Parent Zhang"})
        cls.lead.partner_id = cls.customer

    def _order(self, *lines, user=None):
        """A quotation for the customer; each line is (course, class or None, qty)."""
        return (
            self.env["sale.order"]
            .with_user(user or self.env.user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": course.product_id.id,
                                "training_class_id": training_class.id if training_class else False,
                                "product_uom_qty": qty,
                            }
                        )
                        for course, training_class, qty in lines
                    ],
                }
            )
        )

    # ------------------------------------------------------------
    # Product
    # ------------------------------------------------------------

    def test_course_creates_its_service_product(self):
        product = self.course.product_id
        self.assertEqual(product.type, "service")
        self.assertEqual(product.name, "IELTS Intensive")
        self.assertEqual(product.list_price, 9800)
        self.assertTrue(product.sale_ok)
        self.assertEqual(product.product_tmpl_id.training_course_ids, self.course)

    def test_course_and_product_stay_in_sync(self):
        product = self.course.product_id
        self.course.write({"name": "IELTS Sprint", "list_price": 10800})
        self.assertEqual(product.name, "IELTS Sprint")
        self.assertEqual(product.lst_price, 10800)

        product.product_tmpl_id.write({"name": "IELTS Sprint 7.0", "list_price": 11800})
        self.assertEqual(self.course.name, "IELTS Sprint 7.0")
        self.assertEqual(self.course.list_price, 11800)

        self.course.action_archive()
        self.assertFalse(product.product_tmpl_id.active)
        self.assertFalse(product.active)
        product.product_tmpl_id.action_unarchive()
        self.assertTrue(self.course.active)
        product.product_tmpl_id.action_archive()
        self.assertFalse(self.course.active)

    def test_duplicated_course_gets_its_own_product(self):
        duplicate = self.course.copy()
        self.assertTrue(duplicate.product_id)
        self.assertNotEqual(duplicate.product_id, self.course.product_id)
        self.assertEqual(duplicate.product_id.list_price, 9800)
        package = self.course_1on1.copy()
        self.assertEqual(package.price_per_hour, 300)

    def test_course_sold_with_existing_product(self):
        product = self.env["product.product"].create({"name": "Piano", "type": "service"})
        course = self.env["training.course"].create({"name": "Piano", "product_id": product.id})
        self.assertEqual(course.product_id, product)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["training.course"].create({"name": "Piano bis", "product_id": product.id})

    def test_pricelist_discount_applies_to_course(self):
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Early bird",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "1_product",
                            "product_tmpl_id": self.course.product_tmpl_id.id,
                            "compute_price": "percentage",
                            "percent_price": 10,
                        }
                    )
                ],
            }
        )
        order = self._order((self.course, self.training_class, 1))
        order.pricelist_id = pricelist
        order.action_update_prices()
        self.assertAlmostEqual(order.order_line.price_subtotal, 8820)

    # ------------------------------------------------------------
    # Lesson-hour packages (课时包)
    # ------------------------------------------------------------

    def test_lesson_hour_package_price(self):
        course = self.course_1on1
        self.assertEqual(course.list_price, 6000, "20 hours at 300 an hour")
        course.price_per_hour = 350
        self.assertEqual(course.product_id.list_price, 7000)
        course.product_id.product_tmpl_id.list_price = 8000
        self.assertEqual(course.price_per_hour, 400)
        course.lesson_hours = 40
        self.assertEqual(course.list_price, 8000, "changing the hours keeps the price")
        self.assertEqual(course.price_per_hour, 200)
        self.assertEqual(self.course.price_per_hour, 0, "class-based courses have no rate")

    def test_lesson_hour_package_form(self):
        with Form(self.env["training.course"]) as form:
            form.name = "Physics One-to-one"
            form.teaching_mode = "one_to_one"
            form.lesson_hours = 10
            form.price_per_hour = 500
            self.assertEqual(form.list_price, 5000)
        self.assertEqual(form.record.product_id.list_price, 5000)

    def test_course_bad_figures(self):
        with self.assertRaisesRegex(ValidationError, "has classes"):
            self.course.write({"teaching_mode": "one_to_one", "lesson_hours": 10})
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["training.course"].create({"name": "Negative", "lesson_hours": -1})
        with self.assertRaisesRegex(ValidationError, "lesson hours of one package"):
            self.env["training.course"].create({"name": "No hours", "teaching_mode": "one_to_one"})

    # ------------------------------------------------------------
    # Classes
    # ------------------------------------------------------------

    def test_class_constraints(self):
        with self.assertRaisesRegex(ValidationError, "cannot end before it starts"):
            self.training_class.date_end = date(2026, 2, 1)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.training_class.seats = -1
        with self.assertRaisesRegex(ValidationError, "no classes"):
            self.env["training.class"].create(
                {
                    "name": "1-on-1 class",
                    "course_id": self.course_1on1.id,
                    "date_start": date(2026, 3, 1),
                    "date_end": date(2026, 3, 1),
                }
            )

    def test_class_seats_and_refusal_when_full(self):
        """Seats taken count every confirmed order, including orders the
        consultant cannot read; selling past the seats is refused."""
        other = self._order((self.course, self.training_class, 1))
        other.user_id = self.user_consultant_2
        other.action_confirm()
        self.assertEqual(self.training_class.seats_taken, 1)
        self.assertEqual(self.training_class.seats_left, 1)

        order = self._order((self.course, self.training_class, 2), user=self.user_consultant)
        with self.assertRaisesRegex(UserError, "has 1 seat\\(s\\) left: 2 cannot be sold"):
            order.with_user(self.user_consultant).action_confirm()
        self.assertEqual(order.state, "draft")

        order.order_line.product_uom_qty = 1
        order.with_user(self.user_consultant).action_confirm()
        self.assertEqual(order.state, "sale")
        self.training_class.invalidate_recordset()
        self.assertEqual(self.training_class.seats_taken, 2)
        self.assertEqual(self.training_class.seats_left, 0)

        # A cancelled order gives its seats back.
        other._action_cancel()
        self.training_class.invalidate_recordset()
        self.assertEqual(self.training_class.seats_left, 1)

    def test_class_full_across_lines_of_one_order(self):
        order = self._order(
            (self.course, self.training_class, 1), (self.course, self.training_class, 2)
        )
        with self.assertRaisesRegex(UserError, "3 cannot be sold"):
            order.action_confirm()

    def test_class_without_limit(self):
        self.training_class.seats = 0
        order = self._order((self.course, self.training_class, 30))
        order.action_confirm()
        self.assertEqual(self.training_class.seats_taken, 30)
        self.assertEqual(self.training_class.seats_left, 0)

    def test_class_required_for_class_based_course(self):
        order = self._order((self.course, None, 1))
        self.assertTrue(order.order_line.training_class_required)
        with self.assertRaisesRegex(UserError, "Choose the class of course IELTS Intensive"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

        package = self._order((self.course_1on1, None, 2))
        self.assertFalse(package.order_line.training_class_required)
        package.action_confirm()
        self.assertEqual(package.state, "sale")

    def test_class_follows_product(self):
        order = self._order((self.course, self.training_class, 1))
        line = order.order_line
        self.assertEqual(line.training_course_id, self.course)
        line.product_id = self.course_1on1.product_id
        self.assertFalse(line.training_class_id, "a class of another course does not stay")

    def test_archived_course_refused(self):
        order = self._order((self.course, self.training_class, 1))
        self.course.action_archive()
        with self.assertRaisesRegex(UserError, "archived: it can no longer be sold"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_confirmation_checks_are_batched(self):
        """The course checks cost the same queries for 1 line as for 20."""
        classes = self.env["training.class"].create(
            [
                {
                    "name": f"IELTS {index}",
                    "course_id": self.course.id,
                    "date_start": date(2026, 3, 1),
                    "date_end": date(2026, 5, 1),
                    "seats": 5,
                }
                for index in range(20)
            ]
        )
        small = self._order((self.course, classes[0], 1))
        large = self._order(*[(self.course, training_class, 1) for training_class in classes])
        counts = []
        for order in (small, large):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            order.order_line._check_training_sale()
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])

    # ------------------------------------------------------------
    # Courses of interest on the lead
    # ------------------------------------------------------------

    def test_lead_courses_proposed_on_new_quotation(self):
        self.lead.course_ids = self.course | self.course_1on1
        lead = self.lead.with_user(self.user_consultant)
        action = lead.action_sale_quotations_new()
        self.assertEqual(action["res_model"], "sale.order")
        order_form = Form(
            self.env["sale.order"].with_user(self.user_consultant).with_context(**action["context"])
        )
        self.assertEqual(order_form.partner_id, self.customer)
        self.assertEqual(order_form.opportunity_id, self.lead)
        self.assertEqual(len(order_form.order_line), 2)
        with order_form.order_line.edit(0) as line:
            self.assertEqual(line.product_id, self.course.product_id)
            self.assertEqual(line.price_unit, 9800)
            line.training_class_id = self.training_class
        order = order_form.save()
        self.assertEqual(
            order.order_line.product_id, self.course.product_id | self.course_1on1.product_id
        )
        self.assertEqual(order.order_line[0].training_class_id, self.training_class)
        self.assertEqual(order.order_line[1].price_unit, 6000)

    def test_lead_without_courses_quotation_unchanged(self):
        context = self.lead._prepare_opportunity_quotation_context()
        self.assertNotIn("default_order_line", context)

    def test_merge_keeps_courses_of_interest(self):
        duplicate = self.env["crm.lead"].create(
            {
                "name": "Duplicate",
                "type": "opportunity",
                "user_id": self.user_consultant.id,
                "team_id": self.team.id,
                "course_ids": [Command.set(self.course_1on1.ids)],
            }
        )
        self.lead.course_ids = self.course
        master = (self.lead | duplicate)._merge_opportunity()
        self.assertEqual(master.course_ids, self.course | self.course_1on1)

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    def test_access_per_role(self):
        for user in (self.user_consultant, self.user_supervisor, self.user_auditor):
            course = self.course.with_user(user)
            self.assertEqual(course.name, "IELTS Intensive", user.login)
            self.assertEqual(course.list_price, 9800, user.login)
            self.assertEqual(self.training_class.with_user(user).seats_left, 2, user.login)
            with self.assertRaises(AccessError, msg=user.login):
                course.write({"name": "Renamed"})
            with self.assertRaises(AccessError, msg=user.login):
                self.env["training.course"].with_user(user).create({"name": "Mine"})
            with self.assertRaises(AccessError, msg=user.login):
                self.training_class.with_user(user).write({"seats": 40})
        manager_course = self.course.with_user(self.user_manager)
        manager_course.write({"name": "IELTS 7.0", "list_price": 9900})
        self.assertEqual(self.course.product_id.name, "IELTS 7.0")
        new = self.env["training.course"].with_user(self.user_manager).create({"name": "Korean"})
        self.assertEqual(new.product_id.name, "Korean")
        self.env["training.class"].with_user(self.user_manager).create(
            {
                "name": "IELTS Spring 2",
                "course_id": self.course.id,
                "date_start": date(2026, 4, 1),
                "date_end": date(2026, 6, 1),
            }
        )

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other School"})
        course = self.env["training.course"].create(
            {"name": "Other IELTS", "company_id": other_company.id}
        )
        self.assertEqual(course.product_id.company_id, other_company)
        visible = self.env["training.course"].with_user(self.user_manager).search([])
        self.assertNotIn(course, visible)
        self.assertIn(self.course, visible)


@tagged("post_install", "-at_install")
class TestTrainingCourseDemo(TrainingCrmCommon):
    """The demo school sells courses: class-based ones with classes to choose
    from, a one-to-one package, and leads interested in them."""

    def test_demo_courses(self):
        ref = self.env.ref
        for xmlid in ("scratch", "ielts", "toefl", "japanese_n2"):
            course = ref(f"training_crm.course_{xmlid}")
            self.assertNotEqual(course.teaching_mode, "one_to_one", xmlid)
            self.assertTrue(course.product_id.sale_ok, xmlid)
            self.assertGreater(course.list_price, 0, xmlid)
            self.assertTrue(course.class_ids.filtered("seats"), xmlid)
        package = ref("training_crm.course_maths_1on1")
        self.assertEqual(package.teaching_mode, "one_to_one")
        self.assertEqual(package.list_price, package.lesson_hours * package.price_per_hour)
        self.assertIn(ref("training_crm.course_ielts"), ref("training_crm.lead_demo_08").course_ids)
