from django.urls import URLPattern, URLResolver, path

from manabiba.consultations import views

app_name = "consultations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ask, name="ask"),
    path("check/", views.ask_check, name="ask_check"),
    path("check-your-mail/", views.check_mail, name="check_mail"),
    path("received/", views.received, name="received"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("mine/", views.mine, name="mine"),
    path("mine/<str:reference>/", views.detail, name="detail"),
    path("t/<str:token>/", views.thread, name="thread"),
    path("inbound-mail/", views.inbound_webhook, name="inbound_webhook"),
]
