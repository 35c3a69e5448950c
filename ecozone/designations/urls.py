from django.urls import path

from ecozone.designations import views

app_name = "designations"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("export.xlsx", views.roster_export, name="export"),
    path("coverage/", views.coverage, name="coverage"),
    path("import/", views.roster_import, name="import"),
    path("<int:pk>/", views.designation_detail, name="detail"),
]
