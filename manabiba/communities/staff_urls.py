from django.urls import URLPattern, URLResolver, path

from manabiba.communities import staff_views

app_name = "staff_communities"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.review_queue, name="review"),
    path("<int:group_id>/", staff_views.group_review, name="group"),
    path("moderation/", staff_views.moderation_queue, name="moderation"),
    path("moderation/posts/<int:post_id>/", staff_views.post_moderate, name="post_moderate"),
    path("moderation/events/<int:program_id>/", staff_views.event_approve, name="event_approve"),
    path("moderation/reports/<int:report_id>/", staff_views.report_resolve, name="report_resolve"),
    path("stale/", staff_views.stale, name="stale"),
]
