from django.urls import path

from manabiba.accounts import staff_views

app_name = "staff"
urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path("people/", staff_views.people, name="people"),
    path("people/<int:user_id>/", staff_views.person, name="person"),
    path("people/<int:user_id>/roles/", staff_views.person_role, name="person_role"),
    path("people/<int:user_id>/settings/", staff_views.person_settings, name="person_settings"),
    path("people/<int:user_id>/sign-out/", staff_views.person_sign_out, name="person_sign_out"),
    path("departments/", staff_views.departments, name="departments"),
    path("audit/", staff_views.audit, name="audit"),
    path("mail/failed/", staff_views.failed_mail, name="failed_mail"),
]
