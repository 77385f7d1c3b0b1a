from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "manabiba.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from manabiba.accounts.reference import REFERENCE_DIR
        from manabiba.core.japanese import proper_nouns_register
        from manabiba.core.reference import reference_rows

        # Department names are single words for search and furigana; their words still find them.
        rows = reference_rows(REFERENCE_DIR / "departments.csv")
        proper_nouns_register((name for row in rows for name in (row["division"], row["department"])), compound=True)

        from manabiba.accounts.workspace import account_cards
        from manabiba.core.workspace import workspace_cards_register

        workspace_cards_register("accounts", account_cards, order=90)

        from manabiba.accounts.selectors import department_contacts_export, personal_data_export_register
        from manabiba.accounts.services import account_erasure_register, department_contacts_erase

        # A deleted account stops being named as a department's contact; the person's download says where.
        account_erasure_register("accounts.department_contacts", lambda user: department_contacts_erase(user=user))
        personal_data_export_register("accounts.department_contacts", department_contacts_export)

        from manabiba.accounts.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()
