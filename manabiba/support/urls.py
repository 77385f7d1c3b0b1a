from django.urls import URLPattern, URLResolver, path

from manabiba.support import views

app_name = "support"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("cases/", views.case_studies, name="cases"),
    path("<int:request_id>/", views.detail, name="detail"),
    path("<int:request_id>/message/", views.message, name="message"),
    path("<int:request_id>/consent/", views.consent, name="consent"),
]
