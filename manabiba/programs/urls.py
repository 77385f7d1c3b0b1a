from django.urls import path, re_path

from manabiba.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("<int:program_id>/", views.program_detail, name="detail"),
    path("<int:program_id>/print/", views.program_print, name="print"),
    path("calendar/", views.calendar_current, name="calendar_current"),
    path("calendar/<int:year>/<int:month>/", views.calendar_month, name="calendar"),
    re_path(r"^day/(?P<day>\d{4}-\d{2}-\d{2})/$", views.day_list, name="day"),
]

# Feeds (feeds helper): iCalendar and Atom URL names (ical_program, ical_list, atom_list) go below.
from manabiba.programs import feeds  # noqa: E402 - the feeds section is kept apart at the end

urlpatterns += [
    path("<int:program_id>/calendar.ics", feeds.ical_program, name="ical_program"),
    path("calendar.ics", feeds.ical_list, name="ical_list"),
    path("feed.atom", feeds.atom_list, name="atom_list"),
]
