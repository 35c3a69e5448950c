from django.urls import path, re_path

from ecozone.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.edition_list, name="list"),
    path("import/", views.edition_import, name="import"),
    path("diff/", views.edition_diff, name="diff"),
    path("<str:code>/", views.edition_detail, name="detail"),
    path("<str:code>/export.xlsx", views.edition_export, name="export"),
    path("<str:code>/copy/", views.edition_copy, name="copy"),
    path("<str:code>/mapping/", views.mapping_edit, name="mapping"),
    path("<str:code>/mapping/publish/", views.mapping_publish, name="mapping_publish"),
    path("<str:code>/mapping/import/", views.mapping_import, name="mapping_import"),
    path("<str:code>/mapping/export.xlsx", views.mapping_export, name="mapping_export"),
    re_path(
        r"^(?P<code>[^/]+)/(?P<action>publish|retire|default)/$",
        views.edition_transition,
        name="transition",
    ),
    path("<str:code>/indicators/new/", views.indicator_edit, name="indicator_add"),
    path("<str:code>/indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("<str:code>/indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
]
