from django.urls import URLPattern, URLResolver, path

from manabiba.venues import school_staff_views, staff_views

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
    path("schools/", school_staff_views.schools, name="schools"),
    path("schools/<int:school_id>/", school_staff_views.school, name="school"),
    path("schools/<int:school_id>/projects/new/", school_staff_views.project_new, name="project_new"),
    path("schools/blocks/<int:pk>/remove/", school_staff_views.block_remove, name="block_remove"),
    path("projects/<int:pk>/", school_staff_views.project, name="project"),
    path("projects/<int:pk>/close/", school_staff_views.project_close, name="project_close"),
    path("volunteers/<int:pk>/answer/", school_staff_views.volunteer_answer, name="volunteer_answer"),
    path("utilisation/", school_staff_views.utilisation_page, name="utilisation"),
]
