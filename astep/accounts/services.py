"""Writing to users: e-mails rendered from templates and sent by Celery after commit
(through the outbox, so that a broker down loses none)."""

from django.conf import settings
from django.template.loader import render_to_string

from astep.accounts.models import Role, User
from astep.accounts.tasks import send_email
from astep.outbox.queue import enqueue, outbox_batch


def user_notify(*, recipients: list[User], subject: str, template: str, context: dict) -> None:
    """E-mail each of `recipients` separately once the current transaction commits.

    One message per address, so that nobody sees the others' addresses. `template`
    names a text template under templates/emails/ (e.g. "proposal_created"),
    rendered with `context` plus `site_url`. Users without an e-mail are left out.
    """
    emails = sorted({user.email for user in recipients if user.email})
    if not emails:
        return
    body = render_to_string(f"emails/{template}.txt", {**context, "site_url": settings.SITE_URL})
    with outbox_batch():
        for email in emails:
            enqueue(send_email, [email], f"[ASTEP] {subject}", body)


def departmental_correspondents(departement_id: int) -> list[User]:
    """The active departmental correspondents of a département."""
    return list(
        User.objects.filter(
            role=Role.DEPARTMENTAL_CORRESPONDENT, departement_id=departement_id, is_active=True
        )
    )
