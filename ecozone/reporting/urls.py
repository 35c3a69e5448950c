from django.urls import path, re_path

from ecozone.reporting import receipt_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("open/", views.open_year, name="open"),
    path("years/<int:year>/", views.board, name="board"),
    path("years/<int:year>/dates/", views.year_dates, name="year_dates"),
    path("import/", views.import_values, name="import"),
    path("export.xlsx", views.export_values, name="export"),
    path("department/", views.department, name="department"),
    path("department/<int:year>.xlsx", views.department_template, name="department_template"),
    path("cities/<str:code>/<int:year>.xlsx", views.city_template, name="city_template"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/template.xlsx", views.report_template, name="template"),
    path("<int:pk>/check/<str:code>/", views.check_row, name="check"),
    re_path(
        r"^(?P<pk>\d+)/(?P<action>submit|city_accept|city_return|province_accept|province_return)/$",
        views.transition,
        name="transition",
    ),
    path("<int:pk>/unlock/", views.unlock_request, name="unlock"),
    re_path(
        r"^(?P<pk>\d+)/unlock/(?P<request_pk>\d+)/(?P<decision>approve|reject)/$",
        views.unlock_decide,
        name="unlock_decide",
    ),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("values/<int:pk>/history/", views.value_history, name="history"),
    path("receipts/<int:pk>.json", receipt_views.receipt_json, name="receipt_json"),
    path("receipts/<int:pk>.pdf", receipt_views.receipt_pdf, name="receipt_pdf"),
    path("receipts/verify/", receipt_views.verify_receipt, name="receipt_verify"),
]
