from django.urls import path, re_path

from ecozone.taskbooks import views

app_name = "taskbooks"
urlpatterns = [
    path("", views.book_list, name="list"),
    path("copy/", views.year_copy, name="copy"),
    path("years/<int:year>/new/", views.book_new, name="new"),
    path("years/<int:year>/issue/", views.year_issue, name="issue"),
    path("years/<int:year>/settings/", views.year_settings, name="settings"),
    path("years/<int:year>/results.xlsx", views.results_export, name="results"),
    path("<int:pk>/", views.book_detail, name="book"),
    path("<int:pk>/tasks/new/", views.task_edit, name="task_add"),
    path("<int:pk>/tasks/<int:task_pk>/", views.task_edit, name="task_edit"),
    path("<int:pk>/score-measured/", views.book_score_measured, name="score_measured"),
    path("<int:pk>/adjustments/", views.adjustment_add, name="adjust"),
    path("<int:pk>/tasks.xlsx", views.book_export, name="export"),
    path("<int:pk>/import/", views.book_import, name="import"),
    path("<int:pk>/report.pdf", views.book_pdf, name="pdf"),
    re_path(
        r"^(?P<pk>\d+)/(?P<action>issue|acknowledge|publish)/$",
        views.book_transition,
        name="transition",
    ),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<int:pk>/progress/", views.progress_add, name="progress"),
    path("tasks/<int:pk>/score/", views.task_score, name="score"),
    path("progress/<int:pk>/file/", views.progress_file, name="progress_file"),
]
