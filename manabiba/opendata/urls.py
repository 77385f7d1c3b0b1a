from django.urls import path

from manabiba.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.opendata_index, name="index"),
    path("events.csv", views.events_csv, name="events_csv"),
]
