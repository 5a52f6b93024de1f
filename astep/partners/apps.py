from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "astep.partners"
    verbose_name = _("Organismes partenaires")
