from django.urls import URLPattern, URLResolver, path

from manabiba.support import staff_views

app_name = "staff_support"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.queue, name="queue"),
    path("<int:request_id>/", staff_views.detail, name="detail"),
    path("<int:request_id>/split/", staff_views.split, name="split"),
    path("<int:request_id>/message/", staff_views.message, name="message"),
    path("<int:request_id>/close/", staff_views.close, name="close"),
    path("<int:request_id>/case/", staff_views.case_study, name="case"),
    path("<int:request_id>/case/unpublish/", staff_views.case_unpublish, name="case_unpublish"),
    path("tasks/<int:task_id>/", staff_views.task_answer, name="task"),
]
