from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, new_test_user

from .common import TrainingCrmCommon

NUMBERS = ("phone", "mobile", "email_from", "training_wechat")
KEYS = (
    "phone_sanitized",
    "phone_other_sanitized",
    "email_normalized",
    "training_wechat_normalized",
)


class TestNumberMasking(TrainingCrmCommon):
    """号码脱敏: a consultant reads a pool lead's numbers masked, everywhere the
    web client and RPC read them; owners, supervisors and auditors in full."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_consultant.groups_id += cls.env.ref("base.group_allow_export")
        cls.lead_pool.write(
            {
                "phone": "138 0013 9000",
                "mobile": "+86 139 0013 9001",
                "email_from": "zhang.wei@qq.com",
                "training_wechat": "ZhangWei_88",
            }
        )
        cls.lead.write(
            {
                "mobile": "13900139002",
                "email_from": "li.na@163.com",
                "training_wechat": "lina2024",
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param("training_crm.pool_masking", "True")

    def _read(self, user, lead, fnames=NUMBERS + KEYS):
        return lead.with_user(user).read(list(fnames))[0]

    def test_consultant_reads_pool_numbers_masked(self):
        row = self._read(self.user_consultant, self.lead_pool)
        self.assertEqual(row["phone"], "138****9000")
        self.assertEqual(row["mobile"], "+86 139****9001")
        self.assertEqual(row["email_from"], "z***@qq.com")
        self.assertEqual(row["training_wechat"], "Z****8")
        for fname in KEYS:
            if row[fname]:
                self.assertIn("*", row[fname], f"{fname} gives the number away")
        self.assertNotIn("0013", str(row))
        self.assertNotIn("zhang.wei", str(row))
        # The lead itself still holds the real numbers (collisions use them).
        self.assertEqual(self.lead_pool.phone, "138 0013 9000")

    def test_owner_supervisor_auditor_read_in_full(self):
        own = self._read(self.user_consultant, self.lead)
        self.assertEqual(own["phone"], "+86 138 0013 8000")
        self.assertEqual(own["email_from"], "li.na@163.com")
        for user in (self.user_supervisor, self.user_auditor, self.user_manager):
            row = self._read(user, self.lead_pool)
            self.assertEqual(row["phone"], "138 0013 9000", user.login)
            self.assertEqual(row["email_from"], "zhang.wei@qq.com", user.login)
            self.assertEqual(row["training_wechat"], "ZhangWei_88", user.login)

    def test_every_read_path_masks(self):
        Lead = self.env["crm.lead"].with_user(self.user_consultant)
        domain = [("id", "in", (self.lead.id, self.lead_pool.id))]
        rows = {row["id"]: row for row in Lead.search_read(domain, ["phone", "email_from"])}
        self.assertEqual(rows[self.lead_pool.id]["phone"], "138****9000")
        self.assertEqual(rows[self.lead.id]["phone"], "+86 138 0013 8000")
        web = Lead.web_search_read(domain, {"phone": {}, "email_from": {}, "mobile": {}})
        rows = {row["id"]: row for row in web["records"]}
        self.assertEqual(rows[self.lead_pool.id]["mobile"], "+86 139****9001")
        self.assertEqual(rows[self.lead.id]["mobile"], "13900139002")
        web = Lead.browse(self.lead_pool.id).web_read({"training_wechat": {}})
        self.assertEqual(web[0]["training_wechat"], "Z****8")
        exported = Lead.browse([self.lead.id, self.lead_pool.id]).export_data(
            ["name", "phone", "email_from", "training_wechat"]
        )["datas"]
        self.assertEqual(exported[0][1:], ["+86 138 0013 8000", "li.na@163.com", "lina2024"])
        self.assertEqual(exported[1][1:], ["138****9000", "z***@qq.com", "Z****8"])
        # The export put its masks in the cache only for itself.
        self.assertEqual(self.lead_pool.with_user(self.user_supervisor).phone, "138 0013 9000")

    def test_masking_off(self):
        self.env["res.config.settings"].create({"training_pool_masking": False}).execute()
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param("training_crm.pool_masking"), "False"
        )
        row = self._read(self.user_consultant, self.lead_pool)
        self.assertEqual(row["phone"], "138 0013 9000")
        self.assertEqual(row["email_from"], "zhang.wei@qq.com")
        self.assertFalse(self.lead_pool.with_user(self.user_consultant).training_numbers_masked)
        self.env["res.config.settings"].create({"training_pool_masking": True}).execute()
        self.assertEqual(self._read(self.user_consultant, self.lead_pool)["phone"], "138****9000")

    def test_claimed_lead_reads_in_full(self):
        self.lead_pool.with_user(self.user_consultant).action_claim()
        self.assertEqual(self._read(self.user_consultant, self.lead_pool)["phone"], "138 0013 9000")

    def test_search_by_number_does_not_confirm_pool(self):
        Lead = self.env["crm.lead"].with_user(self.user_consultant)
        for domain in (
            [("phone", "=", "138 0013 9000")],
            [("phone", "ilike", "0013 9000")],
            [("phone_sanitized", "=", "+8613800139000")],
            [("phone_mobile_search", "like", "13800139000")],
            [("email_from", "ilike", "zhang.wei")],
            [("email_normalized", "=", "zhang.wei@qq.com")],
            [("training_wechat_normalized", "=", "zhangwei_88")],
        ):
            self.assertFalse(Lead.search(domain), domain)
            self.assertEqual(Lead.search_count(domain), 0, domain)
        # Their own leads they find by number, and the pool by anything else.
        self.assertEqual(Lead.search([("phone_mobile_search", "like", "13800138000")]), self.lead)
        self.assertIn(self.lead_pool, Lead.search([("name", "ilike", "Pool Student")]))
        # Grouping by number would list the numbers.
        groups = Lead.read_group([], ["phone"], ["phone"])
        self.assertNotIn("138 0013 9000", [group["phone"] for group in groups])
        # Supervisors search as before.
        supervisor = self.env["crm.lead"].with_user(self.user_supervisor)
        self.assertEqual(supervisor.search([("phone", "=", "138 0013 9000")]), self.lead_pool)

    def test_saving_form_does_not_clobber_number(self):
        with Form(self.lead_pool.with_user(self.user_consultant)) as form:
            self.assertEqual(form.phone, "138****9000")
            form.description = "Asked about summer classes"
        self.assertEqual(self.lead_pool.phone, "138 0013 9000")
        self.assertEqual(self.lead_pool.email_from, "zhang.wei@qq.com")
        # As an RPC write of the values read: the masks never replace the numbers.
        row = self._read(self.user_consultant, self.lead_pool, NUMBERS)
        self.lead_pool.with_user(self.user_consultant).write(
            {fname: row[fname] for fname in NUMBERS}
        )
        self.assertEqual(self.lead_pool.mobile, "+86 139 0013 9001")
        self.assertEqual(self.lead_pool.training_wechat, "ZhangWei_88")
        # A number typed in is a new number.
        self.lead_pool.with_user(self.user_consultant).write({"phone": "13800139999"})
        self.assertEqual(self.lead_pool.phone, "13800139999")

    def test_copy_does_not_carry_masked_numbers(self):
        copy = self.lead_pool.with_user(self.user_consultant).copy()
        self.assertFalse(copy.phone)
        self.assertFalse(copy.email_from)
        self.assertFalse(copy.training_wechat)
        copy = self.lead_pool.with_user(self.user_supervisor).copy()
        self.assertEqual(copy.phone, "138 0013 9000")

    def test_no_customer_created_from_masked_lead(self):
        with self.assertRaisesRegex(UserError, "before creating its customer"):
            self.lead_pool.with_user(self.user_consultant)._handle_partner_assignment()
        self.assertFalse(self.lead_pool.partner_id)
        self.lead_pool.with_user(self.user_supervisor)._handle_partner_assignment()
        self.assertEqual(self.lead_pool.partner_id.email, "zhang.wei@qq.com")

    def test_chatter_does_not_suggest_masked_email(self):
        lead = self.lead_pool.with_user(self.user_consultant)
        self.assertNotIn("zhang.wei", str(lead._message_get_suggested_recipients()))
        lead = self.lead_pool.with_user(self.user_supervisor)
        self.assertIn("zhang.wei", str(lead._message_get_suggested_recipients()))

    def test_merge_of_masked_pool_lead_refused(self):
        with self.assertRaisesRegex(UserError, "claim it or reveal"):
            (self.lead | self.lead_pool).with_user(self.user_consultant).merge_opportunity()


class TestReveal(TrainingCrmCommon):
    """Reveal: one pool lead's numbers for one consultant, logged, capped per day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead_pool.phone = "138 0013 9000"
        cls.lead_pool_2 = cls.env["crm.lead"].create(
            {"name": "Pool Two", "user_id": False, "team_id": cls.team.id, "phone": "13800139111"}
        )
        cls.env["ir.config_parameter"].sudo().set_param("training_crm.pool_masking", "True")

    def test_reveal_logged_and_lasts_the_day(self):
        Reveal = self.env["training.crm.reveal"]
        with freeze_time("2026-03-02 02:00:00"):  # 10:00 in Shanghai
            lead = self.lead_pool.with_user(self.user_consultant)
            self.assertTrue(lead.training_numbers_masked)
            lead.action_training_reveal()
            log = Reveal.search([("lead_id", "=", self.lead_pool.id)])
            self.assertEqual(log.user_id, self.user_consultant)
            self.assertEqual(log.date, datetime(2026, 3, 2, 2, 0))
            lead.invalidate_recordset()
            self.assertFalse(lead.training_numbers_masked)
            self.assertEqual(lead.read(["phone"])[0]["phone"], "138 0013 9000")
            # Now they may find it by number too.
            self.assertEqual(lead.search([("phone", "=", "138 0013 9000")]), self.lead_pool)
            # Revealed to them, not to their colleague.
            other = self.lead_pool.with_user(self.user_consultant_2)
            self.assertEqual(other.read(["phone"])[0]["phone"], "138****9000")
            # Revealing again the same day logs nothing more.
            lead.action_training_reveal()
            self.assertEqual(Reveal.search_count([("lead_id", "=", self.lead_pool.id)]), 1)
        self.env.invalidate_all()
        with freeze_time("2026-03-02 16:30:00"):  # the next day in Shanghai
            lead = self.lead_pool.with_user(self.user_consultant)
            self.assertEqual(lead.read(["phone"])[0]["phone"], "138****9000")
        # The consultant reads their own log; supervisors read everyone's.
        self.assertEqual(Reveal.with_user(self.user_consultant).search([]), log)
        self.assertEqual(Reveal.with_user(self.user_consultant_2).search([]), Reveal)
        self.assertIn(log, Reveal.with_user(self.user_supervisor).search([]))
        with self.assertRaises(AccessError):
            log.with_user(self.user_supervisor).write({"user_id": self.user_consultant_2.id})

    def test_reveal_cap(self):
        self.env["ir.config_parameter"].sudo().set_param("training_crm.reveal_daily_limit", "1")
        self.user_consultant.tz = "Asia/Shanghai"
        with freeze_time("2026-03-02 02:00:00"):
            self.lead_pool.with_user(self.user_consultant).action_training_reveal()
            with self.assertRaisesRegex(UserError, "revealed the numbers of 1 leads today"):
                self.lead_pool_2.with_user(self.user_consultant).action_training_reveal()
            self.assertEqual(
                self.lead_pool_2.with_user(self.user_consultant).read(["phone"])[0]["phone"],
                "138****9111",
            )
        with freeze_time("2026-03-02 16:30:00"):
            self.lead_pool_2.with_user(self.user_consultant).action_training_reveal()
        self.assertEqual(
            self.env["training.crm.reveal"].search_count(
                [("user_id", "=", self.user_consultant.id)]
            ),
            2,
        )

    def test_reveal_rights(self):
        with self.assertRaises(AccessError):
            self.lead_pool.with_user(self.user_auditor).action_training_reveal()
        with self.assertRaises(AccessError):
            # Another team's pool is not the consultant's to read, let alone reveal.
            far = self.env["crm.lead"].create(
                {
                    "name": "Far",
                    "user_id": False,
                    "team_id": self.env["crm.team"].create({"name": "Far Campus"}).id,
                }
            )
            far.with_user(self.user_consultant).action_training_reveal()
        # Supervisors see numbers in full: nothing to reveal, nothing logged.
        self.lead_pool.with_user(self.user_supervisor).action_training_reveal()
        self.assertFalse(self.env["training.crm.reveal"].search([]))


class TestDuplicateLookup(TrainingCrmCommon):
    """查重: new, yours, in your pool, another team's pool, or owned by whom."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead_pool.write({"phone": "138 0013 9000", "email_from": "Zhang.Wei@QQ.com"})
        cls.lead_other.write({"mobile": "+86 139 0013 9555"})
        cls.far_team = cls.env["crm.team"].create({"name": "Far Campus"})
        cls.far_pool = cls.env["crm.lead"].create(
            {"name": "Far", "user_id": False, "team_id": cls.far_team.id, "phone": "13700137000"}
        )

    def _lookup(self, user, query):
        wizard = self.env["training.crm.lookup"].with_user(user).create({"query": query})
        wizard.action_lookup()
        return wizard

    def test_answers_per_role(self):
        wizard = self._lookup(self.user_consultant, "13900139555")
        self.assertEqual(wizard.result, "owned")
        self.assertEqual(wizard.owner_names, "Consultant Two")
        self.assertFalse(wizard.lead_id, "the colleague's lead is not given")
        wizard = self._lookup(self.user_supervisor, "139-0013-9555")
        self.assertEqual(wizard.result, "owned")
        self.assertEqual(wizard.owner_names, "Consultant Two")
        self.assertEqual(wizard.lead_id, self.lead_other, "a supervisor may open it anyway")

        wizard = self._lookup(self.user_consultant, "+86 138 0013 8000")
        self.assertEqual((wizard.result, wizard.lead_id), ("mine", self.lead))
        wizard = self._lookup(self.user_consultant, "(138) 0013 9000")
        self.assertEqual((wizard.result, wizard.lead_id), ("pool", self.lead_pool))
        wizard = self._lookup(self.user_consultant, " zhang.wei@qq.com ")
        self.assertEqual(wizard.result, "pool")
        wizard = self._lookup(self.user_consultant, "137 0013 7000")
        self.assertEqual((wizard.result, wizard.lead_id.id), ("other_pool", False))
        wizard = self._lookup(self.user_consultant, "13600136000")
        self.assertEqual((wizard.result, wizard.owner_names), ("new", False))
        self.assertFalse(wizard.lead_id)
        # The read gives nothing of the other lead: no name, no number.
        wizard = self._lookup(self.user_consultant, "13900139555")
        row = wizard.read()[0]
        self.assertNotIn("Piano", str(row))
        self.assertFalse(row["lead_id"])

    def test_bad_input(self):
        for query in ("", "   ", "hello", "abc@", "12-34"):
            with self.assertRaises(UserError, msg=query):
                self._lookup(self.user_consultant, query)

    def test_rights(self):
        plain = new_test_user(self.env, login="tc_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(plain)._training_lookup_person("13800138000")


class TestImportCollisions(TrainingCrmCommon):
    """The rows of an import that collided are listed, not only flagged."""

    def test_last_import_collisions(self):
        self.user_supervisor.groups_id += self.env.ref("base.group_allow_export")
        Lead = self.env["crm.lead"].with_user(self.user_supervisor).with_context(import_file=True)
        first = Lead.create([{"name": "Old import", "phone": "+86 138 0013 8000"}])
        # An earlier import: its own transaction, its own time.
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = create_date - interval '1 day' WHERE id = %s",
            [first.id],
        )
        first.invalidate_recordset(["create_date"])
        rows = Lead.create(
            [
                {"name": "Row 1", "phone": "13800138000"},
                {"name": "Row 2", "phone": "13600136000"},
                {"name": "Row 3", "email_from": "nobody@example.com"},
            ]
        )
        self.assertTrue(all(rows.mapped("training_imported")))
        self.assertFalse(self.env["crm.lead"].create({"name": "typed"}).training_imported)
        action = (
            self.env["crm.lead"]
            .with_user(self.user_supervisor)
            .action_view_training_import_collisions()
        )
        found = self.env["crm.lead"].with_user(self.user_supervisor).search(action["domain"])
        self.assertEqual(found, rows[0], "only the last import's collided row")
        self.assertNotIn(first, found)
        exported = found.export_data(["name", "phone", "collision_user_id"])["datas"]
        self.assertEqual(exported, [["Row 1", "13800138000", "Consultant Test"]])

    def test_consultant_import_list_is_masked(self):
        self.user_consultant.groups_id += self.env.ref("base.group_allow_export")
        self.lead_other.mobile = "13900139555"
        Lead = self.env["crm.lead"].with_user(self.user_consultant).with_context(import_file=True)
        rows = Lead.create([{"name": "Row 1", "phone": "13900139555", "team_id": self.team.id}])
        action = (
            self.env["crm.lead"]
            .with_user(self.user_consultant)
            .action_view_training_import_collisions()
        )
        found = self.env["crm.lead"].with_user(self.user_consultant).search(action["domain"])
        self.assertEqual(found, rows)
        exported = found.export_data(["name", "phone", "collision_user_id"])["datas"]
        self.assertEqual(exported, [["Row 1", "139****9555", "Consultant Two"]])


class TestMaskingQueries(TrainingCrmCommon):
    """Masking costs consultants one query a read, whatever the number of
    leads, and supervisors none."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool_leads = cls.env["crm.lead"].create(
            [
                {
                    "name": f"Pool {index}",
                    "user_id": False,
                    "team_id": cls.team.id,
                    "phone": f"1380013{index:04d}",
                    "email_from": f"family{index}@qq.com",
                }
                for index in range(80)
            ]
        )
        cls.spec = {"name": {}, "phone": {}, "mobile": {}, "email_from": {}, "user_id": {}}

    def _count_read(self, user, leads, masking):
        self.env["ir.config_parameter"].sudo().set_param("training_crm.pool_masking", str(masking))
        # The web client's context: the user's time zone comes with each call.
        Lead = self.env["crm.lead"].with_user(user).with_context(tz="Asia/Shanghai")
        domain = [("id", "in", leads.ids)]
        Lead.web_search_read(domain, self.spec)  # warm the caches of groups and parameters
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        records = Lead.web_search_read(domain, self.spec, limit=100, order="id")["records"]
        return self.cr.sql_log_count - before, records

    def test_consultant_one_query_whatever_the_page(self):
        few, records = self._count_read(self.user_consultant, self.pool_leads[:5], True)
        self.assertEqual(records[0]["phone"][3:7], "****")
        many, records = self._count_read(self.user_consultant, self.pool_leads, True)
        self.assertEqual(len(records), 80)
        self.assertTrue(all("****" in record["phone"] for record in records))
        self.assertEqual(many, few, "no query per lead")
        unmasked, _records = self._count_read(self.user_consultant, self.pool_leads, False)
        self.assertEqual(many, unmasked + 1, "one query: the consultant's reveals of the page")

    def test_supervisor_no_query(self):
        masked, records = self._count_read(self.user_supervisor, self.pool_leads, True)
        self.assertEqual(records[0]["phone"], "13800130000")
        unmasked, _records = self._count_read(self.user_supervisor, self.pool_leads, False)
        self.assertEqual(masked, unmasked)
        masked, _records = self._count_read(self.user_manager, self.pool_leads, True)
        unmasked, _records = self._count_read(self.user_manager, self.pool_leads, False)
        self.assertEqual(masked, unmasked)

    def test_own_leads_no_query(self):
        own = self.pool_leads[:40]
        own.user_id = self.user_consultant
        masked, records = self._count_read(self.user_consultant, own, True)
        self.assertEqual(records[0]["phone"], "13800130000")
        unmasked, _records = self._count_read(self.user_consultant, own, False)
        self.assertEqual(masked, unmasked)
