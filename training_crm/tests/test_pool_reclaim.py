from datetime import date, datetime, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged, warmup

from .common import TrainingCrmCommon
from .test_followup_rpc import JsonRpcMixin

# 02:00 UTC is 10:00 in Shanghai: the UTC and the local day are the same.
T0 = datetime(2027, 3, 1, 2, 0)


@tagged("post_install", "-at_install")
class TestPoolReclaim(TrainingCrmCommon):
    """The reclaim clocks (回收) at their boundaries, the exemptions, the
    warnings before reclaim and the preview, with frozen time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("training_crm.pool_warning_days", "2")
        cls.grade_c.write({"protection_days": 10, "enrol_days": 0})
        cls.course = cls.env["training.course"].create({"name": "Piano", "list_price": 3000})
        cls.warning_type = cls.env.ref("training_crm.mail_activity_type_pool_return")

    def _make(self, name="Lead", user=None, grade=None):
        with freeze_time(T0):
            return self.env["crm.lead"].create(
                {
                    "name": name,
                    "type": "opportunity",
                    "user_id": (user or self.user_consultant).id,
                    "team_id": self.team.id,
                    "intent_grade_id": (grade or self.grade_c).id,
                }
            )

    def _reclaim(self, when):
        with freeze_time(when):
            self.env["crm.lead"]._cron_release_idle_leads()

    def _warnings(self, lead):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "=", lead.id),
                ("activity_type_id", "=", self.warning_type.id),
            ]
        )

    # ------------------------------------------------------------
    # The two clocks
    # ------------------------------------------------------------

    def test_no_followup_clock_at_its_boundary(self):
        """Grade C protects 10 days: the lead returns exactly 10 x 24 h after the
        later of its owner date and its last follow-up; one second before, it stays."""
        lead = self._make()
        self.assertEqual(lead.owner_date, T0)
        self.assertEqual(lead.pool_return_date, T0 + timedelta(days=10))
        self.assertEqual(lead.pool_return_rule, "no_followup")
        with freeze_time(T0 + timedelta(days=3)):
            followup = self._log(lead, "reached")
        self.assertEqual(lead.pool_return_date, T0 + timedelta(days=13), "a follow-up moves it")
        self._reclaim(T0 + timedelta(days=13, seconds=-1))
        self.assertEqual(lead.user_id, self.user_consultant, "day 12 23:59:59: stays")
        self._reclaim(T0 + timedelta(days=13))
        self.assertFalse(lead.user_id, "day 13 (10 days after the follow-up): returned")
        self.assertEqual(lead.pool_return_reason, "no_followup")
        self.assertFalse(lead.pool_return_date)
        self.assertFalse(lead.owner_date, "nobody owns it now")
        body = lead.message_ids[0].body
        self.assertIn("logged no follow-up within the 10-day protection period of grade C", body)
        self.assertEqual(lead.followup_ids, followup, "a returned lead keeps its log")

    def test_not_enrolled_clock_at_its_boundary(self):
        """Enrol within 20 days of taking the lead: follow-ups do not move it."""
        self.grade_c.write({"protection_days": 0, "enrol_days": 20})
        lead = self._make()
        won = self._make("Won")
        won.action_set_won()
        self.assertFalse(won.pool_return_date, "won: no rule applies")
        self.assertEqual(lead.pool_return_date, T0 + timedelta(days=20))
        self.assertEqual(lead.pool_return_rule, "not_enrolled")
        with freeze_time(T0 + timedelta(days=15)):
            self._log(lead, "reached")
        self.assertEqual(lead.pool_return_date, T0 + timedelta(days=20))
        self._reclaim(T0 + timedelta(days=20, seconds=-1))
        self.assertEqual(lead.user_id, self.user_consultant, "day 19 23:59:59: stays")
        self._reclaim(T0 + timedelta(days=20))
        self.assertFalse(lead.user_id, "day 20: returned")
        self.assertEqual(won.user_id, self.user_consultant)
        self.assertEqual(lead.pool_return_reason, "not_enrolled")
        self.assertIn(
            "did not enrol the person within 20 days of taking the lead (grade C)",
            lead.message_ids[0].body,
        )

    def test_earlier_clock_wins_and_owner_date_follows_the_owner(self):
        self.grade_c.write({"protection_days": 10, "enrol_days": 12})
        lead = self._make()
        with freeze_time(T0 + timedelta(days=5)):
            self._log(lead, "reached")
        # Follow-up clock: day 15; enrolment clock: day 12.
        self.assertEqual(lead.pool_return_date, T0 + timedelta(days=12))
        self.assertEqual(lead.pool_return_rule, "not_enrolled")
        with freeze_time(T0 + timedelta(days=6)):
            lead.with_user(self.user_supervisor).with_context(
                training_crm_owner_door=True
            ).user_id = self.user_consultant_2
            lead.flush_recordset()  # the owner date is the moment of the change
        self.assertEqual(lead.owner_date, T0 + timedelta(days=6), "assignment: a new owner")
        self.assertFalse(lead.claim_date, "claim_date stays claims only")
        self.assertEqual(lead.pool_return_date, T0 + timedelta(days=16))
        self.assertEqual(lead.pool_return_rule, "no_followup")
        no_rule = self._make("D", grade=self.grade_d)
        self.grade_d.protection_days = 0
        self.assertFalse(no_rule.pool_return_date, "every clock of grade D is off")
        pool = self._make("Pool")
        pool.with_user(self.user_supervisor).with_context(training_crm_owner_door=True).write(
            {"user_id": False}
        )
        self.assertFalse(pool.pool_return_date, "not owned")
        with freeze_time(T0 + timedelta(days=1)):
            pool.with_user(self.user_consultant).action_claim()
            pool.flush_recordset()
        self.assertEqual(pool.owner_date, T0 + timedelta(days=1), "a claim takes it")
        self.assertEqual(pool.pool_return_date, T0 + timedelta(days=11))

    # ------------------------------------------------------------
    # Exemptions
    # ------------------------------------------------------------

    def test_open_dispute_holds_the_lead(self):
        lead = self._make()
        dispute = self.env["training.crm.dispute"].create({"lead_id": lead.id, "reason": "Mine"})
        self.assertTrue(lead.in_dispute)
        self.assertFalse(lead.pool_return_date)
        self._reclaim(T0 + timedelta(days=30))
        self.assertEqual(lead.user_id, self.user_consultant)
        dispute.state = "decided"
        self.assertEqual(lead.pool_return_date, T0 + timedelta(days=10), "decided: the clock")

    def test_booked_trial_holds_the_lead_until_it_is_past(self):
        lead = self._make()
        with freeze_time(T0):
            trial = self.env["training.trial"].create(
                {
                    "lead_id": lead.id,
                    "course_id": self.course.id,
                    "date": T0 + timedelta(days=12),
                }
            )
        self.assertEqual(lead.pool_return_date, T0 + timedelta(days=12))
        self._reclaim(T0 + timedelta(days=11))
        self.assertEqual(lead.user_id, self.user_consultant, "the trial is still to come")
        trial.state = "cancelled"
        self.assertEqual(lead.pool_return_date, T0 + timedelta(days=10))
        self._reclaim(T0 + timedelta(days=11))
        self.assertFalse(lead.user_id)

    def test_supervisor_lock_until_its_end_date(self):
        """Protected until 15 March: the run of 14 March keeps the lead, the run
        of 15 March (the lock's end date) returns it."""
        lead = self._make()
        with self.assertRaises(ValidationError):
            lead.with_user(self.user_supervisor).pool_protected = True
        lead.with_user(self.user_supervisor).write(
            {
                "pool_protected": True,
                "pool_protected_reason": "Parent abroad until mid-March",
                "pool_protected_until": date(2027, 3, 15),
            }
        )
        self.assertEqual(lead.pool_return_date, datetime(2027, 3, 15))
        self._reclaim(datetime(2027, 3, 14, 23, 0))
        self.assertEqual(lead.user_id, self.user_consultant)
        self.assertTrue(lead.pool_protected)
        self._reclaim(datetime(2027, 3, 15, 0, 30))
        self.assertFalse(lead.pool_protected, "the lock expired")
        self.assertFalse(lead.user_id)
        self.assertEqual(lead.pool_protected_reason, "Parent abroad until mid-March")

    def test_consultants_cannot_lock_nor_move_the_clocks(self):
        lead = self._make().with_user(self.user_consultant)
        with self.assertRaisesRegex(AccessError, "Only a supervisor"):
            lead.write(
                {
                    "pool_protected": True,
                    "pool_protected_reason": "Mine",
                    "pool_protected_until": date(2027, 12, 31),
                }
            )
        with self.assertRaises(AccessError):
            lead.write({"owner_date": T0 + timedelta(days=100)})
        with self.assertRaises(AccessError):
            lead.write({"pool_return_date": False})
        self.assertFalse(lead.can_protect)
        self.assertTrue(lead.with_user(self.user_supervisor).can_protect)

    # ------------------------------------------------------------
    # Warnings, days left, preview
    # ------------------------------------------------------------

    def test_warning_once_and_cancelled_by_a_follow_up(self):
        lead = self._make()
        far = self._make("Far")
        with freeze_time(T0 + timedelta(days=5)):
            self._log(far, "reached")  # returns on day 15
        self._reclaim(T0 + timedelta(days=7))
        self.assertFalse(self._warnings(lead), "3 days before: no warning yet")
        self._reclaim(T0 + timedelta(days=8, hours=1))
        warning = self._warnings(lead)
        self.assertEqual(len(warning), 1)
        self.assertEqual(warning.user_id, self.user_consultant)
        self.assertEqual(warning.date_deadline, date(2027, 3, 11))
        self.assertEqual(warning.summary, "Returns to the pool on 03/11/2027")
        self.assertFalse(self._warnings(far))
        self._reclaim(T0 + timedelta(days=8, hours=2))
        self.assertEqual(self._warnings(lead), warning, "a rerun adds none")
        with freeze_time(T0 + timedelta(days=9)):
            self._log(lead, "reached")  # now returns on day 19
        self.assertFalse(self._warnings(lead), "followed up in time: the warning goes at once")
        self._reclaim(T0 + timedelta(days=9, hours=1))
        self.assertFalse(self._warnings(lead))
        self.assertEqual(lead.user_id, self.user_consultant)

    def test_warning_off_and_released_leads_lose_theirs(self):
        lead = self._make()
        self._reclaim(T0 + timedelta(days=9))
        self.assertEqual(len(self._warnings(lead)), 1)
        self._reclaim(T0 + timedelta(days=10))
        self.assertFalse(lead.user_id)
        self.assertFalse(self._warnings(lead), "back in the pool: nobody to warn")
        other = self._make("Other")
        self.env["ir.config_parameter"].set_param("training_crm.pool_warning_days", "0")
        self._reclaim(T0 + timedelta(days=9))
        self.assertFalse(self._warnings(other), "0 days: no warning")

    def test_days_left_and_returning_soon(self):
        lead = self._make()
        far = self._make("Far", grade=self.grade_d)  # 60 days
        with freeze_time(T0 + timedelta(days=8, hours=6)):
            self.assertEqual(lead.with_context(tz="Asia/Shanghai").pool_days_left, 2)
            soon = self.env["crm.lead"].search(
                [("pool_returning_soon", "=", True), ("id", "in", (lead | far).ids)]
            )
            self.assertEqual(soon, lead)
            later = self.env["crm.lead"].search(
                [("pool_returning_soon", "=", False), ("id", "in", (lead | far).ids)]
            )
            self.assertEqual(later, far)

    def test_preview_lists_without_returning(self):
        due = self._make("Due")
        self.grade_b.write({"protection_days": 0, "enrol_days": 5})
        due_b = self._make("Due B", grade=self.grade_b)
        not_yet = self._make("Not yet", grade=self.grade_d)
        with freeze_time(T0 + timedelta(days=10)):
            with self.assertRaises(AccessError):
                self.env["crm.lead"].with_user(self.user_consultant).action_pool_reclaim_preview()
            action = (
                self.env["crm.lead"].with_user(self.user_supervisor).action_pool_reclaim_preview()
            )
            listed = self.env["crm.lead"].with_user(self.user_supervisor).search(action["domain"])
        mine = due | due_b | not_yet
        self.assertEqual(listed & mine, due | due_b)
        self.assertEqual(due.pool_return_rule, "no_followup")
        self.assertEqual(due_b.pool_return_rule, "not_enrolled")
        self.assertEqual(mine.user_id, self.user_consultant, "the preview returns nothing")

    def test_views_show_the_clocks_to_consultants_and_supervisors(self):
        for user in (self.user_consultant, self.user_supervisor):
            Lead = self.env["crm.lead"].with_user(user)
            kanban = Lead.get_view(self.env.ref("crm.crm_case_kanban_view_leads").id, "kanban")
            self.assertIn('name="pool_days_left"', kanban["arch"])
            listed = Lead.get_view(self.env.ref("crm.crm_case_tree_view_oppor").id, "list")
            self.assertIn('name="pool_days_left"', listed["arch"])
            search = Lead.get_view(
                self.env.ref("crm.view_crm_case_opportunities_filter").id, "search"
            )
            self.assertIn('name="pool_returning_soon"', search["arch"])
            form = Lead.get_view(self.env.ref("crm.crm_lead_view_form").id)["arch"]
            self.assertIn('name="pool_protected"', form)
        settings = self.env["res.config.settings"].get_view(
            self.env.ref("training_crm.res_config_settings_view_form_pool").id
        )
        self.assertIn('name="training_pool_warning_days"', settings["arch"])
        self.assertEqual(self.env["res.config.settings"].create({}).training_pool_warning_days, 2)


@tagged("post_install", "-at_install")
class TestPoolReclaimQueries(TrainingCrmCommon):
    """The reclaim and its warnings cost the same number of queries for 5
    leads as for 15: nothing runs a query per lead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("training_crm.pool_warning_days", "2")
        cls.grade_c.write({"protection_days": 10, "enrol_days": 0})
        cls.warning_type = cls.env.ref("training_crm.mail_activity_type_pool_return")
        with freeze_time(T0):
            cls.leads = cls.env["crm.lead"].create(
                [
                    {
                        "name": f"Lead {i}",
                        "type": "opportunity",
                        "user_id": user.id,
                        "team_id": cls.team.id,
                        "intent_grade_id": cls.grade_c.id,
                    }
                    for i in range(10)
                    for user in (cls.user_consultant, cls.user_consultant_2)
                ]
            )

    @warmup
    def test_batch_queries_do_not_grow_with_the_leads(self):
        """A batch's warnings, then its release: one create, one message insert."""
        tz = self.env["crm.lead"]._get_training_tz()
        for size, warn_queries, release_queries in ((5, 14, 10), (15, 14, 10)):
            leads = self.leads[:size] if size == 5 else self.leads[5:]
            with self.subTest(size=size), freeze_time(T0 + timedelta(days=9)):
                self.env.flush_all()
                self.env.invalidate_all()
                with self.assertQueryCount(warn_queries):
                    leads._create_pool_warnings(self.warning_type, tz)
                    self.env.flush_all()
                self.assertEqual(len(leads.activity_ids), size)
                self.env.invalidate_all()
                with self.assertQueryCount(release_queries):
                    leads._release_to_pool()
                    self.env.flush_all()
                self.assertFalse(leads.user_id)


@tagged("post_install", "-at_install")
class TestPoolLockJsonRpc(JsonRpcMixin):
    """A consultant's web client cannot lock a lead against reclaim, nor move
    its clocks; a supervisor's can."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consultant = new_test_user(
            cls.env,
            login="lock_rpc",
            password="lock_rpc_pw",
            groups="training_crm.group_consultant",
        )
        cls.supervisor = new_test_user(
            cls.env,
            login="lock_rpc_sup",
            password="lock_rpc_sup_pw",
            groups="training_crm.group_supervisor",
        )
        cls.mine = cls.env["crm.lead"].create(
            {
                "name": "Mine",
                "user_id": cls.consultant.id,
                "intent_grade_id": cls.env.ref("training_crm.grade_c").id,
            }
        )

    def test_lock_over_json_rpc(self):
        lock = {
            "pool_protected": True,
            "pool_protected_reason": "Travelling",
            "pool_protected_until": "2099-01-01",
        }
        self.authenticate("lock_rpc", "lock_rpc_pw")
        error = self._call_error("crm.lead", "write", [self.mine.id], lock)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        error = self._call_error(
            "crm.lead", "write", [self.mine.id], {"owner_date": "2099-01-01 00:00:00"}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertFalse(self.mine.pool_protected)
        self.authenticate("lock_rpc_sup", "lock_rpc_sup_pw")
        self._call("crm.lead", "write", [self.mine.id], lock)
        self.assertTrue(self.mine.pool_protected)
        self.assertEqual(str(self.mine.pool_return_date), "2099-01-01 00:00:00")
