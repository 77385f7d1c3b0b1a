from django.urls import URLPattern, URLResolver

app_name = "staff_consultations"
urlpatterns: list[URLPattern | URLResolver] = []
