from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "ecozone.applications"
    verbose_name = _("Creation applications")

    def ready(self):
        from ecozone.accounts.todo import register
        from ecozone.applications.todo import applications_todo

        register(applications_todo)
