from django.urls import include, path

from config.api import api
from ecozone.showcase import views as showcase

urlpatterns = [
    path("", showcase.home, name="home"),
    path("accounts/", include("ecozone.accounts.urls")),
    path("regions/", include("ecozone.regions.urls")),
    path("indicators/", include("ecozone.indicators.urls")),
    path("designations/", include("ecozone.designations.urls")),
    path("reporting/", include("ecozone.reporting.urls")),
    path("ratings/", include("ecozone.ratings.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
