from django.urls import URLPattern, URLResolver

app_name = "staff_communities"
urlpatterns: list[URLPattern | URLResolver] = []
