from django.urls import URLPattern, URLResolver, path

from manabiba.talents import staff_views

app_name = "staff_talents"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.queue, name="queue"),
    path("<int:talent_id>/", staff_views.talent_review, name="talent"),
    path("introductions/<int:request_id>/", staff_views.introduction_review, name="introduction"),
]
