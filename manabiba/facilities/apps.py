from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "manabiba.facilities"
    label = "facilities"
    verbose_name = _("Facilities")

    def ready(self) -> None:
        from manabiba.facilities.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
