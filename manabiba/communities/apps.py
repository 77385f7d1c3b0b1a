from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "manabiba.communities"
    label = "communities"
    verbose_name = _("Community groups")
