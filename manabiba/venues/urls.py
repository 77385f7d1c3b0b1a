from django.urls import URLPattern, URLResolver, path

from manabiba.venues import school_views, views

app_name = "venues"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("rooms/<int:room_id>/", views.room_month, name="room"),
    path("rooms/<int:room_id>/<int:year>/<int:month>/", views.room_month, name="room_month"),
    path("rooms/<int:room_id>/<int:year>/<int:month>/calendar.ics", views.room_calendar, name="room_calendar"),
    path("rooms/<int:room_id>/book/<str:day>/<int:frame_id>/", views.book, name="book"),
    path("facilities/<int:facility_id>/", views.facility_day, name="facility"),
    path("facilities/<int:facility_id>/<str:day>/", views.facility_day, name="facility_day"),
    path("bookings/<int:pk>/", views.booking, name="booking"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("groups/", views.groups, name="groups"),
    path("groups/register/", views.group_register, name="group_register"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("entries/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("bookings/<int:pk>/confirm/", views.booking_confirm, name="booking_confirm"),
    path("rooms/<int:room_id>/follow/", views.room_follow, name="room_follow"),
    path("regular/", views.regular_request, name="regular_request"),
    # Schools' community learning projects, open to residents.
    path("projects/", school_views.projects, name="projects"),
    path("projects/<int:pk>/", school_views.project, name="project"),
    path("projects/mine/", school_views.volunteering, name="volunteering"),
    path("projects/offers/<int:pk>/withdraw/", school_views.volunteer_withdraw, name="volunteer_withdraw"),
    # A programme's sessions holding rooms (its staff and organisers).
    path("programmes/<int:program_id>/rooms/", school_views.program_rooms, name="program_rooms"),
    path("programmes/<int:program_id>/rooms/book/", school_views.program_room_book, name="program_room_book"),
    path(
        "programmes/<int:program_id>/rooms/<int:pk>/release/",
        school_views.program_room_release,
        name="program_room_release",
    ),
]
