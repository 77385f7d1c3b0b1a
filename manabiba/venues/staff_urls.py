from django.urls import URLPattern, URLResolver, path

from manabiba.venues import staff_views

app_name = "staff_venues"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.groups, name="groups"),
    path("groups/<int:pk>/", staff_views.group_review, name="group_review"),
    path("duplicates/", staff_views.duplicates, name="duplicates"),
    path("facilities/", staff_views.facilities, name="facilities"),
    path("facilities/<int:facility_id>/", staff_views.facility, name="facility"),
    path("frames/<int:pk>/remove/", staff_views.frame_remove, name="frame_remove"),
    path("closures/<int:pk>/remove/", staff_views.closure_remove, name="closure_remove"),
    path("allocation/", staff_views.allocation, name="allocation"),
    path("rounds/<int:pk>/draw/", staff_views.round_draw, name="round_draw"),
    path("bookings/<int:pk>/attendance/", staff_views.attendance_mark, name="attendance_mark"),
    path("regular/<int:pk>/review/", staff_views.regular_review, name="regular_review"),
]
