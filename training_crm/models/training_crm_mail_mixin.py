from odoo import models
from odoo.tools import formataddr
from odoo.tools.misc import get_lang


class TrainingCrmMailMixin(models.AbstractModel):
    """What leads and disputes write and send, for staff as schools have them.

    Schools run on WeChat and phones: many consultants and supervisors have no
    e-mail address. Their acts still post, notify and schedule under their
    name, and the people concerned still hear of it, in their Odoo inbox.
    Text the system writes is in the language of the people it is meant for."""

    _name = "training.crm.mail.mixin"
    _inherit = ["mail.thread"]
    _description = "Training CRM Messages"

    # ------------------------------------------------------------
    # MAIL: staff without e-mail
    # ------------------------------------------------------------

    def _message_compute_author(self, author_id=None, email_from=None, raise_on_email=True):
        """A staff member without an e-mail address stays the author of what
        they post (and of the assignment and activity notices Odoo sends in
        their name); the e-mail copies go out from the company's address."""
        if not email_from:
            author = (
                self.env["res.partner"].browse(author_id) if author_id else self.env.user.partner_id
            )
            if author and not author.sudo().email and self._is_training_staff(author):
                company = self._get_training_company()
                email = company.email or company.catchall_email or company.default_from_email
                return super()._message_compute_author(
                    author.id,
                    email_from=formataddr((author.name, email)) if email else False,
                    raise_on_email=False,  # without any address, the inbox still gets it
                )
        return super()._message_compute_author(author_id, email_from, raise_on_email)

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        """Staff without an e-mail address get their notices in Odoo's inbox,
        whatever their preference says: an e-mail could never reach them."""
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        by_email = [
            data
            for data in recipients
            if data["notif"] == "email" and data.get("uid") and not data.get("ushare")
        ]
        if by_email:
            partners = self.env["res.partner"].sudo().browse([data["id"] for data in by_email])
            without_email = set(partners.filtered(lambda partner: not partner.email).ids)
            for data in by_email:
                if data["id"] in without_email:
                    data["notif"] = "inbox"
        return recipients

    def _is_training_staff(self, partner):
        """Is the partner an internal user's (not a customer's, not a portal user's)?"""
        if partner == self.env.user.partner_id:
            return not self.env.user.share
        users = partner.sudo().with_context(active_test=False).user_ids
        return any(not user.share for user in users)

    # ------------------------------------------------------------
    # LANGUAGE of the text the system writes
    # ------------------------------------------------------------

    def _get_training_company(self):
        companies = self.company_id if "company_id" in self else self.env["res.company"]
        return companies if len(companies) == 1 else self.env.company

    def _get_training_lang(self, recipients=None):
        """The language of text written for `recipients` (users or partners):
        theirs when they share one, else the company's, as for text meant for
        everyone or written by a cron. Never the acting user's."""
        langs = set(recipients.mapped("lang")) - {False} if recipients else set()
        if len(langs) == 1:
            return langs.pop()
        company_lang = self._get_training_company().partner_id.lang
        return company_lang or get_lang(self.with_context(lang=False).env).code
