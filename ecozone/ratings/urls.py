from django.urls import path, re_path

from ecozone.ratings.views import campaigns as views
from ecozone.ratings.views import cases as case_views
from ecozone.ratings.views import experts, publishing
from ecozone.ratings.views import incentives as incentive_views
from ecozone.ratings.views import schemes as scheme_views
from ecozone.ratings.views import warning as warning_views

app_name = "ratings"
urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("schemes/", scheme_views.scheme_list, name="schemes"),
    path("schemes/import/", scheme_views.scheme_import, name="scheme_import"),
    path("schemes/<slug:code>/", scheme_views.scheme_detail, name="scheme"),
    path("schemes/<slug:code>/edit/", scheme_views.scheme_edit, name="scheme_edit"),
    path("schemes/<slug:code>/copy/", scheme_views.scheme_copy, name="scheme_copy"),
    path("schemes/<slug:code>/publish/", scheme_views.scheme_publish, name="scheme_publish"),
    path("schemes/<slug:code>/export.json", scheme_views.scheme_export, name="scheme_export"),
    path("new/", views.campaign_new, name="new"),
    path("early-warning/", warning_views.early_warning, name="early_warning"),
    path("early-warning/scheme/", warning_views.early_warning_scheme, name="early_warning_scheme"),
    path("simulator/", views.simulator, name="simulator"),
    path("cases/", case_views.case_list, name="cases"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("cases/<int:pk>/close/", case_views.case_close, name="case_close"),
    path("cases/<int:pk>/delist/", case_views.case_delist, name="case_delist"),
    path("cases/<int:pk>/dismiss/", case_views.case_dismiss, name="case_dismiss"),
    path("incentives/", incentive_views.incentive_list, name="incentives"),
    path("incentives/export.xlsx", incentive_views.incentive_export, name="incentives_export"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/compute/", views.campaign_compute, name="compute"),
    path("<int:pk>/assign/", experts.bulk_assign, name="bulk_assign"),
    path("<int:pk>/publish/", publishing.campaign_publish, name="publish"),
    path("<int:pk>/withdraw/", publishing.campaign_withdraw, name="withdraw"),
    path("<int:pk>/exclude-incomplete/", publishing.exclude_incomplete, name="exclude_incomplete"),
    path("zones/<int:pk>/exclude/", publishing.zone_exclude, name="exclude"),
    path("jobs/<int:pk>/", views.job_progress, name="job"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("zones/<int:pk>/", views.zone_detail, name="zone"),
    path("zones/<int:pk>/card.pdf", views.card_pdf, name="pdf"),
    path("zones/<int:pk>/assign/", views.zone_assign, name="assign"),
    path("zones/<int:pk>/record/", views.zone_record, name="record"),
    path("zones/<int:pk>/recompute/", views.zone_recompute, name="recompute"),
    path("zones/<int:pk>/features/", views.zone_feature, name="feature"),
    path("features/city/", experts.city_feature_list, name="city_features"),
    path("features/<int:pk>/prereview/", experts.feature_prereview, name="feature_prereview"),
    re_path(
        r"^features/(?P<pk>\d+)/(?P<decision>approve|reject)/$",
        views.feature_decide,
        name="feature_decide",
    ),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
]
