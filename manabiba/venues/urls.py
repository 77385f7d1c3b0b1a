from django.urls import URLPattern, URLResolver, path

from manabiba.venues import views

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
]
