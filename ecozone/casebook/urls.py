from django.urls import path, re_path

from ecozone.casebook import views

app_name = "casebook"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_edit, name="new"),
    path("<int:pk>/", views.case_edit, name="edit"),
    re_path(r"^(?P<pk>\d+)/(?P<action>publish|unpublish)/$", views.case_publish, name="publish"),
]
