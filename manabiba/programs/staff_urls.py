from django.urls import path

from manabiba.programs import staff_views

app_name = "staff_programs"
urlpatterns = [
    path("", staff_views.program_list, name="list"),
    path("new/", staff_views.program_new, name="new"),
    path("<int:program_id>/", staff_views.program_detail, name="detail"),
    path("<int:program_id>/edit/", staff_views.program_edit, name="edit"),
    path("<int:program_id>/submit/", staff_views.program_submit, name="submit"),
    path("<int:program_id>/publish/", staff_views.program_publish, name="publish"),
    path("<int:program_id>/return/", staff_views.program_return, name="return"),
    path("<int:program_id>/cancel/", staff_views.program_cancel, name="cancel"),
]
