from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "ecozone.reporting"
    verbose_name = _("Annual reporting")

    def ready(self):
        from ecozone.accounts.todo import register
        from ecozone.reporting.todo import reporting_todo

        register(reporting_todo)
