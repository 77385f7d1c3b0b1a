from django.urls import path

from manabiba.alerts import views

app_name = "alerts"
urlpatterns = [
    path("new/", views.saved_search_new, name="new"),
    path("<int:saved_search_id>/delete/", views.saved_search_delete, name="delete"),
]
