from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasebookConfig(AppConfig):
    name = "ecozone.casebook"
    verbose_name = _("Typical cases")
