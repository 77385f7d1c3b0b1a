from django.urls import path

from manabiba.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("text-size/", views.text_size, name="text_size"),
    path("contrast/", views.contrast, name="contrast"),
    path("furigana/", views.furigana, name="furigana"),
    path("easy-japanese/", views.easy_japanese, name="easy_japanese"),
    path("language/", views.language, name="language"),
    path("pages/<slug:slug>/", views.page, name="page"),
]
