from django.urls import URLPattern, URLResolver, path

from manabiba.exchanges import staff_views

app_name = "staff_exchanges"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.program_list, name="list"),
    path("<int:program_id>/", staff_views.manage, name="manage"),
    path("<int:program_id>/timetable/", staff_views.timetable, name="timetable"),
    path("<int:program_id>/publish/", staff_views.publish, name="publish"),
    path("<int:program_id>/survey/", staff_views.survey_results, name="survey"),
    path("<int:program_id>/survey/send/", staff_views.survey_send, name="survey_send"),
    path("presentations/<int:presentation_id>/decide/", staff_views.decide, name="decide"),
    path("tables/<int:table_id>/decide/", staff_views.table_decide, name="table_decide"),
    path("attendance/<int:attendance_id>/", staff_views.attendance_record, name="attendance_record"),
    path("slots/<int:slot_id>/remove/", staff_views.slot_remove, name="slot_remove"),
]
