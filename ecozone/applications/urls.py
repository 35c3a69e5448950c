from django.urls import path, re_path

from ecozone.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_new, name="new"),
    path("naming/", views.naming_page, name="naming"),
    path("national/", views.national, name="national"),
    path("experts/", views.expert_pool, name="experts"),
    path("experts/proposals/", views.expert_proposals, name="expert_proposals"),
    path(
        "experts/proposals/<int:pk>/approve/",
        views.expert_proposal_approve,
        name="expert_proposal_approve",
    ),
    path(
        "experts/proposals/<int:pk>/reject/",
        views.expert_proposal_reject,
        name="expert_proposal_reject",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path("objections/<int:pk>/uphold/", views.objection_uphold, name="uphold"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/files/", views.material_upload, name="upload"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    re_path(r"^(?P<pk>\d+)/(?P<action>[a-z_]+)/$", views.application_action, name="action"),
]
