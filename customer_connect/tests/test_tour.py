from urllib.parse import urlsplit

from odoo.tests import HttpCase, tagged

from .common import TOKEN_RE, ConnectCase


@tagged("post_install", "-at_install")
class TestCompleteAccountTour(ConnectCase, HttpCase):
    def test_invite_complete_account_logged_in(self):
        contact = self.farm_billing
        contact.with_user(self.staff)._connect_invite()
        body = str(contact.connect_mail_log_ids.mail_id.body_html)
        match = TOKEN_RE.search(body)
        self.assertTrue(match, "the queued invitation carries the link")
        start = body.index("/web/signup", match.start())
        link = body[start : body.index('"', start)].replace("&amp;", "&")
        url = urlsplit(link)
        self.start_tour(f"{url.path}?{url.query}", "customer_connect_complete_account")
        user = contact.user_ids
        self.assertTrue(user, "the login was created by completing the account")
        self.assertEqual(contact.connect_login_state, "active")
        self.assertTrue(contact.connect_email_confirmed)
        self.assertEqual(self.farm.connect_state, "active")
