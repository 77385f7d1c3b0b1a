from django.urls import URLPattern, URLResolver, path

from manabiba.registrations import staff_views

app_name = "staff_registrations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.index, name="index"),
    path("register/", staff_views.register_choose, name="register_choose"),
    path("programs/<int:program_id>/", staff_views.program_registrants, name="program"),
    path("programs/<int:program_id>/settings/", staff_views.program_settings, name="settings"),
    path("programs/<int:program_id>/draw/", staff_views.draw, name="draw"),
    path("programs/<int:program_id>/waitlist/", staff_views.waitlist, name="waitlist"),
    path("programs/<int:program_id>/cancel/", staff_views.program_cancel, name="program_cancel"),
    path("programs/<int:program_id>/minimum/", staff_views.minimum_decide, name="minimum_decide"),
    path("programs/<int:program_id>/register/", staff_views.register, name="register"),
    path("programs/<int:program_id>/participants.csv", staff_views.export_csv, name="export_csv"),
    path("registrations/<int:registration_id>/cancel/", staff_views.registration_cancel, name="registration_cancel"),
    path("registrations/<int:registration_id>/slip/", staff_views.slip, name="slip"),
    path("sessions/<int:session_id>/roster/", staff_views.roster, name="roster"),
    path("sessions/<int:session_id>/check-in/", staff_views.check_in, name="check_in"),
    path("sessions/<int:session_id>/cancel-notice/", staff_views.session_cancel_notice, name="session_notice"),
]
