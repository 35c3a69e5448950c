from django.urls import path

from ecozone.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("import/", views.region_import, name="import"),
    path("import/template.xlsx", views.region_template, name="template"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/edit/", views.region_edit, name="edit"),
]
