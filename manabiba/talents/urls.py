from django.urls import URLPattern, URLResolver, path

from manabiba.talents import views

app_name = "talents"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.talent_list, name="list"),
    path("register/", views.register, name="register"),
    path("register/group/", views.register_for_instructor, name="register_group"),
    path("consent/<str:token>/", views.consent, name="consent"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:talent_id>/edit/", views.edit, name="edit"),
    path("mine/<int:talent_id>/renew/", views.renew, name="renew"),
    path("mine/<int:talent_id>/withdraw/", views.withdraw, name="withdraw"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("introductions/<int:request_id>/", views.introduction, name="introduction"),
    path("introductions/<int:request_id>/answer/", views.introduction_answer, name="introduction_answer"),
    path("<int:talent_id>/", views.talent_detail, name="detail"),
    path("<int:talent_id>/request/", views.introduction_new, name="request"),
]
