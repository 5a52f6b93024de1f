"""The portal's allauth adapter: its e-mails (address confirmation, password reset) sent like the
portal's own, and the ProConnect logout."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from astep.accounts.proconnect.logout import ProConnectLogoutMixin
from astep.accounts.tasks import send_email
from astep.outbox.queue import enqueue


class AccountAdapter(ProConnectLogoutMixin, DefaultAccountAdapter):
    """allauth's adapter: its e-mails through the outbox; logging out of the portal ends the
    ProConnect session too (`ProConnectLogoutMixin`)."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the e-mail in the request, as allauth does, and send it through the outbox.

        So that a slow or failing SMTP server never holds or breaks a sign-up or a reset
        (Celery retries it), and a broker down only delays it. allauth's messages are
        plain text here (no HTML templates), which `send_email` sends as they are.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        message = self.render_mail(template_prefix, email, {**ctx, **context})
        enqueue(send_email, message.to, message.subject, message.body)
