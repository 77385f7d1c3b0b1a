from django.urls import URLPattern, URLResolver, path

from manabiba.proposals import views

app_name = "proposals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.call_list, name="calls"),
    path("calls/<int:call_id>/", views.call_detail, name="call"),
    path("calls/<int:call_id>/propose/", views.proposal_new, name="new"),
    path("calls/<int:call_id>/summary/", views.round_summary, name="summary"),
    path("survey/<str:token>/", views.survey, name="survey"),
    path("mine/", views.mine, name="mine"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("<int:proposal_id>/", views.proposal_detail, name="detail"),
    path("<int:proposal_id>/edit/", views.proposal_edit, name="edit"),
    path("<int:proposal_id>/submit/", views.proposal_submit, name="submit"),
    path("<int:proposal_id>/report/", views.report, name="report"),
    path("<int:proposal_id>/survey-results/", views.survey_results, name="survey_results"),
]
