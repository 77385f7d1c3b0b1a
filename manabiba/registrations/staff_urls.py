from django.urls import URLPattern, URLResolver

app_name = "staff_registrations"
urlpatterns: list[URLPattern | URLResolver] = []
