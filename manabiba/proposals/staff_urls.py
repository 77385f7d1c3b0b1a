from django.urls import URLPattern, URLResolver, path

from manabiba.proposals import staff_views

app_name = "staff_proposals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.queue, name="queue"),
    path("calls/new/", staff_views.call_new, name="call_new"),
    path("<int:proposal_id>/", staff_views.proposal_review, name="proposal"),
    path("<int:proposal_id>/report/", staff_views.report_check, name="report"),
]
