from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "astep.outbox"
    verbose_name = _("Travaux en attente du courtier")
