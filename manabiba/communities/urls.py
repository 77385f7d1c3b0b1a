from django.urls import URLPattern, URLResolver, path

from manabiba.communities import views
from manabiba.communities.services import DIGEST_LIST
from manabiba.core import views as core_views

app_name = "communities"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.group_list, name="list"),
    path("print/", views.group_print, name="print"),
    path("register/", views.signup, name="signup"),
    path("register/rules/", views.signup_rules, name="signup_rules"),
    path("mine/", views.my_groups, name="mine"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    # Digests mailed before the one-click page moved to core (/unsubscribe/…) link here.
    path("unsubscribe/<str:token>/", core_views.unsubscribe, {"list_name": DIGEST_LIST}, name="unsubscribe"),
    path("confirm/<str:token>/", views.confirm_active, name="confirm_active"),
    path("<int:group_id>/", views.group_detail, name="detail"),
    path("<int:group_id>/posts/<int:post_id>/", views.post_detail, name="post"),
    path("<int:group_id>/contact/", views.contact, name="contact"),
    path("<int:group_id>/leaflet.pdf", views.leaflet, name="leaflet"),
    path("<int:group_id>/report/", views.report, name="report"),
    path("<int:group_id>/follow/", views.follow, name="follow"),
    path("<int:group_id>/manage/", views.manage, name="manage"),
    path("<int:group_id>/manage/edit/", views.edit, name="edit"),
    path("<int:group_id>/manage/photos/", views.photo_add, name="photo_add"),
    path("<int:group_id>/manage/posts/new/", views.post_new, name="post_new"),
    path("<int:group_id>/manage/posts/<int:post_id>/withdraw/", views.post_withdraw, name="post_withdraw"),
    path("<int:group_id>/manage/events/new/", views.event_new, name="event_new"),
    path("<int:group_id>/manage/members/", views.members, name="members"),
    path("<int:group_id>/manage/inbox/", views.inbox, name="inbox"),
]
