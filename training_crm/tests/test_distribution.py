import random
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import TrainingCrmCommon

# A Wednesday at 10:00 and at 22:00 in Shanghai (UTC+8), as stored (UTC).
WEDNESDAY_10 = datetime(2026, 11, 25, 2, 0)
WEDNESDAY_22 = datetime(2026, 11, 25, 14, 0)


@tagged("post_install", "-at_install")
class TestDistribution(TrainingCrmCommon):
    """Distribution (分配) through stock crm's lead assignment, run as stock's
    tests run it: _action_assign_leads as a Sales Administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The school's hours, every day 09:00-21:00 Shanghai, as the company's calendar.
        cls.school_hours = cls._make_calendar("School Hours", 9, 21)
        cls.env.company.resource_calendar_id = cls.school_hours
        cls.zhao, cls.qian, cls.sun, cls.li = (
            new_test_user(
                cls.env,
                login=f"dist_{name.lower()}",
                name=f"{name} Dist",
                groups="training_crm.group_consultant",
            )
            for name in ("Zhao", "Qian", "Sun", "Li")
        )
        cls.dist_team = cls.env["crm.team"].create(
            {
                "name": "Distribution Campus",
                "training_distribution": True,
                # Stock allocation takes in every lead of no team: only this test's.
                "assignment_domain": "[('name', '=like', 'Dist lead %')]",
                "crm_team_member_ids": [
                    Command.create({"user_id": user.id, "assignment_max": 300})
                    for user in (cls.zhao, cls.qian)
                ],
            }
        )
        cls.member_zhao, cls.member_qian = cls.dist_team.crm_team_member_ids.sorted(
            lambda member: member.user_id == cls.qian
        )
        cls.ielts = cls.env["training.course"].create({"name": "IELTS Dist", "lesson_hours": 40})
        cls.piano = cls.env["training.course"].create({"name": "Piano Dist", "lesson_hours": 20})
        cls.wechat = cls.env["utm.source"].create({"name": "WeChat Dist"})
        cls.web = cls.env["utm.source"].create({"name": "Website Dist"})

    @classmethod
    def _make_calendar(cls, name, hour_from, hour_to):
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": "Asia/Shanghai",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                        }
                    )
                    for day in range(7)
                ],
            }
        )

    def _pool_leads(self, count, team=None, **values):
        return self.env["crm.lead"].create(
            [
                {
                    "name": f"Dist lead {n}",
                    "type": "opportunity",
                    "user_id": False,
                    "team_id": (team or self.dist_team).id,
                    **values,
                }
                for n in range(count)
            ]
        )

    def _assign(self, teams=None, at=WEDNESDAY_10):
        with freeze_time(at):
            result = (
                (teams or self.dist_team)
                .with_user(self.user_manager)
                ._action_assign_leads(force_quota=True, creation_delta_days=0)
            )
            # Stored computes (owner_date) at the frozen time.
            self.env.flush_all()
        return result

    def test_fairness_over_1000_leads(self):
        """1,000 new leads, no team: stock allocation weighs two distributing
        teams by their capacity (2:1), each team's members of equal capacity
        then get equal shares (within one lead)."""
        big_team = self.dist_team
        small_team = self.env["crm.team"].create(
            {
                "name": "Small Distribution Campus",
                "training_distribution": True,
                "crm_team_member_ids": [
                    Command.create({"user_id": user.id, "assignment_max": 6000})
                    for user in (self.sun, self.li)
                ],
            }
        )
        big_team.crm_team_member_ids.assignment_max = 12000
        teams = big_team | small_team
        teams.assignment_domain = "[('name', '=like', 'Fair lead %')]"
        leads = self.env["crm.lead"].create(
            [
                {"name": f"Fair lead {n}", "type": "lead", "user_id": False, "team_id": False}
                for n in range(1000)
            ]
        )
        random.seed(1717)
        self._assign(teams)

        self.assertFalse(leads.filtered(lambda lead: not lead.user_id), "every lead handed out")
        shares = {
            user: len(leads.filtered(lambda lead, u=user: lead.user_id == u))
            for user in (self.zhao, self.qian, self.sun, self.li)
        }
        big = shares[self.zhao] + shares[self.qian]
        # Weighted 2:1 by assignment_max, random as stock allocation is: 667 expected,
        # within 4 standard deviations (about 15 leads each).
        self.assertAlmostEqual(big, 667, delta=60)
        self.assertEqual(big + shares[self.sun] + shares[self.li], 1000)
        self.assertLessEqual(abs(shares[self.zhao] - shares[self.qian]), 1)
        self.assertLessEqual(abs(shares[self.sun] - shares[self.li]), 1)
        self.assertEqual(set(leads.mapped("team_id")), {big_team, small_team})
        self.assertEqual(
            leads.filtered(lambda lead: lead.user_id in (self.sun | self.li)).team_id, small_team
        )
        self.assertEqual(set(leads.mapped("type")), {"opportunity"})

    def test_distributed_leads_say_so_and_start_the_owner_clock(self):
        leads = self._pool_leads(4)
        _teams_data, members_data = self._assign()
        self.assertEqual(len(members_data[self.member_zhao]["assigned"]), 2)
        self.assertEqual(len(members_data[self.member_qian]["assigned"]), 2)
        for lead in leads:
            self.assertTrue(lead.user_id)
            self.assertEqual(lead.owner_date, WEDNESDAY_10)
            bodies = lead.message_ids.mapped("body")
            self.assertIn(
                f"<p>Distributed from the Distribution Campus pool to {lead.user_id.name}.</p>",
                bodies,
            )
            self.assertFalse(
                [body for body in bodies if "without a reason" in body],
                "a distribution is an owner door, not a direct change",
            )
            self.assertEqual(
                lead.message_ids[:1].subtype_id, self.env.ref("training_crm.mt_lead_distributed")
            )

    def test_the_assignment_cron_keeps_the_daily_quota(self):
        """The scheduled action hands out a thirtieth of each member's
        capacity a day, as stock's: a second run the same day adds nothing."""
        self.dist_team.crm_team_member_ids.assignment_max = 60
        pool = self._pool_leads(5)
        with freeze_time(WEDNESDAY_10):
            self.env["crm.team"]._cron_assign_leads()
            self.env.flush_all()
        self.assertEqual(len(pool.filtered(lambda lead: lead.user_id == self.zhao)), 2)
        self.assertEqual(len(pool.filtered(lambda lead: lead.user_id == self.qian)), 2)
        self.env.invalidate_all()  # a new run, a new transaction: lead_day_count afresh
        with freeze_time(WEDNESDAY_10):
            self.env["crm.team"]._cron_assign_leads()
        self.assertEqual(len(pool.filtered(lambda lead: not lead.user_id)), 1)
        # Forced (Assign Leads by hand), the full daily quota again.
        self._assign()
        self.assertFalse(pool.filtered(lambda lead: not lead.user_id))

    def test_holding_cap_lowers_the_quota(self):
        self.dist_team.training_holding_cap = 3
        self._pool_leads(1).user_id = self.zhao
        pool = self._pool_leads(6)
        self._assign()
        self.assertEqual(len(pool.filtered(lambda lead: lead.user_id == self.zhao)), 2)
        self.assertEqual(len(pool.filtered(lambda lead: lead.user_id == self.qian)), 3)
        # The rest falls back to the pool, for a claim or the next run.
        self.assertEqual(len(pool.filtered(lambda lead: not lead.user_id)), 1)
        # A member's own cap comes first; at the cap, nothing more.
        self.member_qian.training_holding_cap = 4
        self._assign()
        self.assertEqual(len(pool.filtered(lambda lead: lead.user_id == self.qian)), 4)
        self.assertFalse(pool.filtered(lambda lead: not lead.user_id))

    def test_course_and_source_filters_with_the_assignment_domain(self):
        self.member_zhao.write(
            {
                "training_course_ids": [Command.set(self.ielts.ids)],
                "assignment_domain": "[('priority', 'in', ['2', '3'])]",
            }
        )
        self.member_qian.training_source_ids = self.wechat
        ielts_web_hot = self._pool_leads(
            1, course_ids=[Command.set(self.ielts.ids)], source_id=self.web.id, priority="3"
        )
        ielts_web_cold = self._pool_leads(
            1, course_ids=[Command.set(self.ielts.ids)], source_id=self.web.id, priority="0"
        )
        piano_wechat = self._pool_leads(
            1, course_ids=[Command.set(self.piano.ids)], source_id=self.wechat.id
        )
        piano_web = self._pool_leads(
            1, course_ids=[Command.set(self.piano.ids)], source_id=self.web.id, priority="3"
        )
        self._assign()
        self.assertEqual(ielts_web_hot.user_id, self.zhao)
        self.assertEqual(piano_wechat.user_id, self.qian)
        # Nobody's filters take them: they stay in the pool.
        self.assertFalse(ielts_web_cold.user_id)
        self.assertFalse(piano_web.user_id)

    def test_outside_working_hours_leads_stay_in_the_pool(self):
        pool = self._pool_leads(4)
        self._assign(at=WEDNESDAY_22)
        self.assertFalse(pool.user_id)
        # Qian works evenings (his own working hours come before the company's).
        evenings = self._make_calendar("Evenings", 18, 23)
        self.env["resource.resource"].create(
            {
                "name": "Qian",
                "user_id": self.qian.id,
                "calendar_id": evenings.id,
                "tz": "Asia/Shanghai",
            }
        )
        self._assign(at=WEDNESDAY_22)
        self.assertEqual(pool.user_id, self.qian)

    def test_collisions_go_to_their_consultant_and_disputes_stay(self):
        self.env["crm.lead"].create(
            {
                "name": "Owned by another consultant",
                "type": "opportunity",
                "phone": "+86 139 0000 1717",
                "user_id": self.user_consultant_2.id,
                "team_id": self.team.id,
            }
        )
        collision = self._pool_leads(1, phone="+86 139 0000 1717")
        self.assertEqual(collision.sudo().collision_lead_id.user_id, self.user_consultant_2)
        disputed = self._pool_leads(1)
        self.env["training.crm.dispute"].create({"lead_id": disputed.id, "reason": "Mine"})
        free = self._pool_leads(1)
        self._assign()
        self.assertFalse(collision.user_id)
        self.assertFalse(disputed.user_id)
        self.assertIn(free.user_id, self.zhao | self.qian)
        # Once the consultant who follows the person is a member, it is theirs alone.
        self.dist_team.crm_team_member_ids = [
            Command.create({"user_id": self.user_consultant_2.id})
        ]
        self._assign()
        self.assertEqual(collision.user_id, self.user_consultant_2)
        self.assertFalse(disputed.user_id)

    def test_only_new_pool_leads_are_distributed(self):
        won = self._pool_leads(1)
        won.action_set_won()
        lost = self._pool_leads(1)
        lost.action_set_lost()
        returned = self._pool_leads(1)
        returned.user_id = self.user_consultant
        returned.user_id = False
        self._assign()
        self.assertFalse(won.user_id)
        self.assertFalse(lost.user_id)
        # A lead back in the pool is for claims, not handed out again.
        self.assertFalse(returned.user_id)

    def test_no_merge_of_duplicates_for_distributing_teams(self):
        """Stock allocation merges the leads of one e-mail whoever follows
        them; a distributing team takes each into its pool, stock teams still
        merge."""
        self.dist_team.assignment_domain = "[('name', '=like', 'Dup dist %')]"
        stock_team = self.env["crm.team"].create(
            {
                "name": "Stock Campus",
                "assignment_domain": "[('name', '=like', 'Dup stock %')]",
                "crm_team_member_ids": [Command.create({"user_id": self.li.id})],
            }
        )
        dist_dups = self.env["crm.lead"].create(
            [
                {"name": f"Dup dist {n}", "email_from": "parent.dist@example.com", "user_id": False}
                for n in range(2)
            ]
        )
        stock_dups = self.env["crm.lead"].create(
            [
                {
                    "name": f"Dup stock {n}",
                    "email_from": "parent.stock@example.com",
                    "user_id": False,
                }
                for n in range(2)
            ]
        )
        teams_data, _members_data = self._assign(self.dist_team | stock_team)
        self.assertEqual(len(dist_dups.exists()), 2)
        self.assertEqual(dist_dups.team_id, self.dist_team)
        self.assertFalse(teams_data[self.dist_team]["duplicates"])
        self.assertEqual(len(stock_dups.exists()), 1)
        self.assertEqual(len(teams_data[stock_team]["duplicates"]), 1)

    def test_distribution_queries_do_not_grow_with_leads(self):
        """Each member's leads are handed out in a few batched writes and one
        insert of chatter notes: 10 leads or 80, the same queries."""
        self.dist_team.crm_team_member_ids.assignment_max = 3000
        for _run in range(2):  # warm the caches (groups, subtype, calendar)
            self._pool_leads(10)
            self._assign()
        for count in (10, 80):
            leads = self._pool_leads(count)
            self.env.invalidate_all()
            with self.assertQueryCount(42):
                self._assign()
            self.assertEqual(len(leads.user_id), 2)
            self.assertTrue(all(leads.mapped("user_id")))
