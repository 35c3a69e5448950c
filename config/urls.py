from django.urls import include, path

from config.api import api
from ecozone.applications import views as applications
from ecozone.core.views import healthz
from ecozone.ratings import integrity_views
from ecozone.reporting import audit_views
from ecozone.showcase import views as showcase

urlpatterns = [
    path("", showcase.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("compare/", showcase.compare, name="compare"),
    path("zones/", showcase.zones, name="zones"),
    path("zones/delisted/", showcase.delisted, name="delisted"),
    path("zones/<str:code>/", showcase.zone, name="zone"),
    path("cases/", showcase.cases, name="cases"),
    path("cases/<int:pk>/", showcase.case, name="case"),
    path("cases/<int:pk>/image/", showcase.case_image, name="case_image"),
    path("casebook/", include("ecozone.casebook.urls")),
    path("accounts/", include("ecozone.accounts.urls")),
    path("regions/", include("ecozone.regions.urls")),
    path("indicators/", include("ecozone.indicators.urls")),
    path("designations/", include("ecozone.designations.urls")),
    path("reporting/", include("ecozone.reporting.urls")),
    path("ratings/", include("ecozone.ratings.urls")),
    path("applications/", include("ecozone.applications.urls")),
    path("taskbooks/", include("ecozone.taskbooks.urls")),
    path("audit/", audit_views.checkpoint_list, name="audit"),
    path("audit/<int:pk>.json", audit_views.checkpoint_json, name="audit_checkpoint"),
    path("audit/integrity/", integrity_views.integrity_page, name="audit_integrity"),
    path("audit/integrity/run/", integrity_views.integrity_run, name="audit_integrity_run"),
    path("notices/", applications.notices, name="notices"),
    path("notices/<int:pk>/object/", applications.object_to, name="object"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
