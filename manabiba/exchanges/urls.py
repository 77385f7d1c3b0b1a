from django.urls import URLPattern, URLResolver, path

from manabiba.exchanges import views

app_name = "exchanges"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:program_id>/", views.meeting, name="meeting"),
    path("<int:program_id>/timetable/", views.timetable, name="timetable"),
    path("<int:program_id>/present/", views.present, name="present"),
    path("<int:program_id>/table/", views.table, name="table"),
    path("<int:program_id>/attend/", views.attend, name="attend"),
    path("<int:program_id>/introduce/", views.introduce, name="introduce"),
    path("presentations/<int:presentation_id>/materials/", views.material_add, name="material_add"),
    path("presentations/<int:presentation_id>/consent/", views.consent, name="consent"),
    path("presentations/<int:presentation_id>/withdraw/", views.withdraw, name="withdraw"),
    path("survey/<str:token>/", views.survey, name="survey"),
]
