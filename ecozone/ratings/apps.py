from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ecozone.ratings"
    verbose_name = _("Re-examination and star rating")

    def ready(self):
        from ecozone.accounts.todo import register
        from ecozone.ratings.todo import integrity_todo, ratings_todo

        register(ratings_todo)
        register(integrity_todo)
