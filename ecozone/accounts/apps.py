from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ecozone.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from ecozone.accounts.todo import expert_proposals, register

        register(expert_proposals)
