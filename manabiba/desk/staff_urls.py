from django.urls import URLPattern, URLResolver

app_name = "staff_desk"
urlpatterns: list[URLPattern | URLResolver] = []
