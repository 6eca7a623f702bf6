from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Course fields mirrored on the course's product template (same field names).
PRODUCT_SYNC_FIELDS = ("name", "active")


class TrainingCourse(models.Model):
    """A course the school sells (课程). It is sold through Odoo Sales as its
    service product, so quotations, pricelists, discounts, down payments and
    invoices are Sales' own; the course keeps what a school plans with."""

    _name = "training.course"
    _description = "Course"
    _order = "sequence, name, id"

    # Identity
    name = fields.Char(required=True, translate=True)
    code = fields.Char(copy=False, help="Short internal reference, e.g. IELTS-S.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    category_id = fields.Many2one("training.course.category", index=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    description = fields.Html(translate=True)

    # Teaching
    teaching_mode = fields.Selection(
        [
            ("face_to_face", "Face-to-face"),
            ("live_online", "Live online"),
            ("one_to_one", "One-to-one"),
        ],
        required=True,
        default="face_to_face",
        help="Face-to-face and live online courses run as classes with a number of seats; "
        "one-to-one courses are sold as lesson-hour packages (课时包).",
    )
    lesson_hours = fields.Float(
        digits=(16, 1),
        help="Lesson hours a student buys with one unit of the course: the whole course, "
        "or the hours of one package for a one-to-one course.",
    )
    sessions_per_week = fields.Integer(string="Sessions per Week")
    class_ids = fields.One2many("training.class", "course_id", string="Classes")
    class_count = fields.Integer(compute="_compute_class_count", string="Classes Count")

    # Selling
    product_id = fields.Many2one(
        "product.product",
        required=True,
        ondelete="restrict",
        index=True,
        copy=False,
        check_company=True,
        help="Service product that sells the course; created with the course when not given.",
    )
    product_tmpl_id = fields.Many2one(
        related="product_id.product_tmpl_id", store=True, index=True, string="Product Template"
    )
    currency_id = fields.Many2one(related="product_id.currency_id")
    list_price = fields.Float(
        related="product_id.list_price",
        readonly=False,
        string="Sales Price",
        digits="Product Price",
        help="The product's sales price, which pricelists and discounts start from.",
    )
    price_per_hour = fields.Float(
        compute="_compute_price_per_hour",
        inverse="_inverse_price_per_hour",
        store=True,
        readonly=False,
        digits="Product Price",
        help="One-to-one courses: the package price is the lesson hours times this rate. "
        "Changing the rate changes the sales price; changing the hours keeps the price.",
    )

    _sql_constraints = [
        (
            "product_uniq",
            "unique (product_id)",
            "Another course is already sold with this product.",
        ),
        (
            "code_company_uniq",
            "unique (code, company_id)",
            "Another course already uses this code.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends_context("uid")
    def _compute_class_count(self):
        counts = dict(
            self.env["training.class"]._read_group(
                [("course_id", "in", self.ids)], ["course_id"], ["__count"]
            )
        )
        for course in self:
            course.class_count = counts.get(course, 0)

    @api.depends("teaching_mode", "lesson_hours", "list_price")
    def _compute_price_per_hour(self):
        for course in self:
            if course.teaching_mode == "one_to_one" and course.lesson_hours:
                course.price_per_hour = course.list_price / course.lesson_hours
            else:
                course.price_per_hour = 0.0

    def _inverse_price_per_hour(self):
        for course in self:
            if course.teaching_mode == "one_to_one" and course.lesson_hours:
                course.list_price = course.price_per_hour * course.lesson_hours

    @api.onchange("price_per_hour")
    def _onchange_price_per_hour(self):
        """Show the package price the rate gives while the form is edited."""
        for course in self:
            if course.teaching_mode == "one_to_one" and course.lesson_hours:
                course.list_price = course.price_per_hour * course.lesson_hours

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("lesson_hours", "sessions_per_week", "price_per_hour", "teaching_mode")
    def _check_figures(self):
        for course in self:
            if course.lesson_hours < 0 or course.sessions_per_week < 0 or course.price_per_hour < 0:
                raise ValidationError(
                    self.env._(
                        "Course %(course)s: lesson hours, sessions per week and the price per "
                        "hour cannot be negative.",
                        course=course.display_name,
                    )
                )
            if course.teaching_mode == "one_to_one" and not course.lesson_hours:
                raise ValidationError(
                    self.env._(
                        "Course %(course)s is sold as lesson-hour packages: give the lesson "
                        "hours of one package.",
                        course=course.display_name,
                    )
                )
            if course.teaching_mode == "one_to_one" and course.class_ids:
                raise ValidationError(
                    self.env._(
                        "Course %(course)s has classes: it cannot become a one-to-one course.",
                        course=course.display_name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Create the service product of each course given none."""
        new_product_vals = [vals for vals in vals_list if not vals.get("product_id")]
        if new_product_vals:
            products = self.env["product.product"].create(
                [self._prepare_product_values(vals) for vals in new_product_vals]
            )
            for vals, product in zip(new_product_vals, products, strict=True):
                vals["product_id"] = product.id
        return super().create(vals_list)

    def write(self, vals):
        res = super().write(vals)
        product_vals = {name: vals[name] for name in PRODUCT_SYNC_FIELDS if name in vals}
        if "company_id" in vals:
            product_vals["company_id"] = vals["company_id"]
        if product_vals and not self.env.context.get("training_course_sync"):
            self.product_tmpl_id.with_context(training_course_sync=True).write(product_vals)
        return res

    def copy_data(self, default=None):
        """A duplicate gets its own product, at the same price."""
        vals_list = super().copy_data(default=default)
        for course, vals in zip(self, vals_list, strict=True):
            vals.setdefault("list_price", course.list_price)
        return vals_list

    @api.model
    def _prepare_product_values(self, vals):
        """A course is a service invoiced on order: schools take fees up front."""
        return {
            "name": vals.get("name"),
            "type": "service",
            "sale_ok": True,
            "purchase_ok": False,
            "invoice_policy": "order",
            "active": vals.get("active", True),
            "company_id": vals.get("company_id", self.env.company.id),
        }

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_classes(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("training_crm.training_class_action")
        action["domain"] = [("course_id", "=", self.id)]
        action["context"] = {"default_course_id": self.id}
        return action
