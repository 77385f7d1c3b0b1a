from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "manabiba.facilities"
    label = "facilities"
    verbose_name = _("Facilities")

    def ready(self) -> None:
        from manabiba.core.japanese import proper_nouns_register
        from manabiba.core.reference import reference_rows
        from manabiba.facilities.reference import REFERENCE_DIR

        # Facility names are single words for search and furigana (保谷駅前公民館, not 保谷駅・前・公民館);
        # their words still find them (公民館).
        proper_nouns_register((row["name"] for row in reference_rows(REFERENCE_DIR / "facilities.csv")), compound=True)

        from manabiba.facilities.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
