from django.urls import path

from manabiba.facilities import views

app_name = "facilities"
urlpatterns = [
    path("", views.facility_index, name="list"),
    path("<int:facility_id>/", views.facility_detail, name="detail"),
]
