from django.urls import URLPattern, URLResolver, path

from manabiba.liaison import staff_views

app_name = "staff_liaison"
urlpatterns: list[URLPattern | URLResolver] = [
    path("contacts/", staff_views.directory, name="directory"),
    path("contacts/department/<int:department_id>/new/", staff_views.contact_new, name="contact_new"),
    path("contacts/<int:contact_id>/edit/", staff_views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/remove/", staff_views.contact_remove, name="contact_remove"),
    path("calendar/", staff_views.planning_calendar, name="calendar"),
    path("meetings/", staff_views.meetings, name="meetings"),
    path("meetings/new/", staff_views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", staff_views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", staff_views.meeting_edit, name="meeting_edit"),
    path("actions/", staff_views.actions, name="actions"),
    path("actions/<int:item_id>/", staff_views.action_detail, name="action"),
]
