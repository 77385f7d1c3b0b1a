from django.urls import URLPattern, URLResolver, path

from manabiba.desk import staff_views

app_name = "staff_desk"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.appointments, name="appointments"),
    path("appointments/<int:pk>/cancel/", staff_views.appointment_cancel, name="appointment_cancel"),
    path("book/", staff_views.book, name="book"),
    path("book/<str:day>/", staff_views.book_day, name="book_day"),
    path("roster/", staff_views.roster, name="roster"),
    path("roster/<int:pk>/remove/", staff_views.shift_remove, name="shift_remove"),
    path("hours/", staff_views.hours, name="hours"),
    path("contact/", staff_views.contact, name="contact"),
    path("hours/weekly/<int:pk>/remove/", staff_views.weekly_hours_remove, name="weekly_hours_remove"),
    path("hours/special/<int:pk>/remove/", staff_views.special_day_remove, name="special_day_remove"),
]
