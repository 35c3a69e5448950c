from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaskbooksConfig(AppConfig):
    name = "ecozone.taskbooks"
    verbose_name = _("Work task books")

    def ready(self):
        from ecozone.accounts.todo import register
        from ecozone.taskbooks.todo import taskbooks_todo

        register(taskbooks_todo)
