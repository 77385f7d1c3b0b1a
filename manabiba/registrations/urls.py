from django.urls import URLPattern, URLResolver, path

from manabiba.registrations import views

app_name = "registrations"
urlpatterns: list[URLPattern | URLResolver] = [
    # services.MY_REGISTRATIONS_PATH: the mails link here.
    path("", views.my_registrations, name="mine"),
    path("<int:registration_id>/", views.detail, name="detail"),
    path("<int:registration_id>/cancel/", views.cancel, name="cancel"),
    path("<int:registration_id>/confirm/", views.confirm, name="confirm"),
    path("<int:registration_id>/complete/", views.complete, name="complete"),
    path("programs/<int:program_id>/apply/", views.apply, name="apply"),
    path("programs/<int:program_id>/apply/confirm/", views.apply_confirm, name="apply_confirm"),
    path("programs/<int:program_id>/draw/", views.draw_notice, name="draw_notice"),
]
