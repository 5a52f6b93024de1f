"""The audit log's request context: who acted, from which address."""

from allauth.account.adapter import get_adapter
from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware (actor of each LogEntry), with a trustworthy address.

    django-auditlog records the first X-Forwarded-For entry, which the client writes; this
    records the address allauth's rate limits count: REMOTE_ADDR, or the entry appended by
    the last of ALLAUTH_TRUSTED_PROXY_COUNT proxies.
    """

    @staticmethod
    def _get_remote_addr(request) -> str | None:
        return get_adapter(request).get_client_ip(request)
