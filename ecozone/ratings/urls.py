from django.urls import path, re_path

from ecozone.ratings.views import campaigns as views

app_name = "ratings"
urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("new/", views.campaign_new, name="new"),
    path("early-warning/", views.early_warning, name="early_warning"),
    path("simulator/", views.simulator, name="simulator"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/compute/", views.campaign_compute, name="compute"),
    path("<int:pk>/publish/", views.campaign_publish, name="publish"),
    path("jobs/<int:pk>/", views.job_progress, name="job"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("zones/<int:pk>/", views.zone_detail, name="zone"),
    path("zones/<int:pk>/card.pdf", views.card_pdf, name="pdf"),
    path("zones/<int:pk>/assign/", views.zone_assign, name="assign"),
    path("zones/<int:pk>/record/", views.zone_record, name="record"),
    path("zones/<int:pk>/recompute/", views.zone_recompute, name="recompute"),
    path("zones/<int:pk>/features/", views.zone_feature, name="feature"),
    re_path(
        r"^features/(?P<pk>\d+)/(?P<decision>approve|reject)/$",
        views.feature_decide,
        name="feature_decide",
    ),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
]
