from django.urls import URLPattern, URLResolver, path

from manabiba.desk import views

app_name = "desk"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.hours, name="hours"),
    path("<int:year>/<int:month>/", views.hours, name="hours_month"),
    path("book/", views.book, name="book"),
    path("book/<str:day>/", views.book_day, name="book_day"),
    path("appointments/<int:pk>/", views.appointment, name="appointment"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="appointment_cancel"),
]
