from django.urls import URLPattern, URLResolver, path

from manabiba.consultations import staff_views

app_name = "staff_consultations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.queue, name="queue"),
    path("log/", staff_views.log, name="log"),
    path("figures/", staff_views.figures, name="figures"),
    path("canned/", staff_views.canned_list, name="canned_list"),
    path("canned/new/", staff_views.canned_edit, name="canned_new"),
    path("canned/<int:canned_id>/", staff_views.canned_edit, name="canned_edit"),
    path("<int:consultation_id>/", staff_views.detail, name="detail"),
    path("<int:consultation_id>/reply/", staff_views.reply, name="reply"),
    path("<int:consultation_id>/note/", staff_views.note, name="note"),
    path("<int:consultation_id>/assign/", staff_views.assign, name="assign"),
    path("<int:consultation_id>/close/", staff_views.close, name="close"),
]
