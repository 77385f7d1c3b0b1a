"""What the audit log's action codes of this app mean (core/audit.py reads them for the log page)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from manabiba.core.audit import audit_actions_register, audit_targets_register

ACTIONS = {
    "accounts.api_token.created": pgettext_lazy("audit action", "Created an API token"),
    "accounts.api_token.revoked": pgettext_lazy("audit action", "Revoked an API token"),
    "accounts.api_tokens.revoked_all": pgettext_lazy("audit action", "Revoked all of a person's API tokens"),
    "accounts.department.created": pgettext_lazy("audit action", "Added a department"),
    "accounts.department_contact.added": pgettext_lazy("audit action", "Added a department contact"),
    "accounts.department_contact.changed": pgettext_lazy("audit action", "Changed a department contact"),
    "accounts.department_contact.removed": pgettext_lazy("audit action", "Removed a department contact"),
    "accounts.departments.loaded": pgettext_lazy("audit action", "Loaded the departments (reference data)"),
    "accounts.login.locked": pgettext_lazy("audit action", "Locked sign-in after repeated failures"),
    "accounts.personal_data.exported": pgettext_lazy("audit action", "Downloaded their own data"),
    "accounts.personal_data.viewed": pgettext_lazy("audit action", "Viewed personal data"),
    "accounts.profile.updated": pgettext_lazy("audit action", "Updated their details"),
    "accounts.role.granted": pgettext_lazy("audit action", "Granted a role"),
    "accounts.role.revoked": pgettext_lazy("audit action", "Removed a role"),
    "accounts.staff_digest.sent": pgettext_lazy("audit action", "Sent the staff morning digest"),
    "accounts.staff_settings.updated": pgettext_lazy("audit action", "Changed a person's staff settings"),
    "accounts.totp.disabled": pgettext_lazy("audit action", "Turned off two-step sign-in"),
    "accounts.totp.enabled": pgettext_lazy("audit action", "Turned on two-step sign-in"),
    "accounts.user.deleted": pgettext_lazy("audit action", "Deleted an account"),
    "accounts.user.email_verified": pgettext_lazy("audit action", "Confirmed an e-mail address"),
    "accounts.user.logged_in": pgettext_lazy("audit action", "Signed in"),
    "accounts.user.signed_up": pgettext_lazy("audit action", "Signed up"),
    "accounts.password_changed": pgettext_lazy("audit action", "Changed their password"),
    "accounts.password_reset": pgettext_lazy("audit action", "Reset their password by mailed link"),
}


def audit_register() -> None:
    """Called from the app's ready()."""
    audit_actions_register(ACTIONS)
    audit_targets_register("accounts.user", url=lambda user: reverse("staff:person", args=[user.pk]))
    audit_targets_register("accounts.department")
    audit_targets_register("accounts.departmentcontact", related=("user", "department"))
