from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "ecozone.indicators"
    verbose_name = _("Indicators")

    def ready(self):
        from ecozone.accounts.todo import register
        from ecozone.indicators.todo import draft_editions

        register(draft_editions)
