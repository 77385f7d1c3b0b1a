from django.urls import path

from manabiba.reports import views

app_name = "staff_reports"
urlpatterns = [
    path("", views.report_page, name="current"),
    path("loop/", views.loop_page, name="loop"),
    path("loop/<int:year>/", views.loop_page, name="loop_year"),
    path("loop/loop.csv", views.loop_csv, name="loop_csv"),
    path("<int:year>/", views.report_page, name="year"),
    path("<int:year>/report.xlsx", views.report_xlsx, name="xlsx"),
    path("<int:year>/<str:key>.csv", views.report_csv, name="csv"),
]
