from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from manabiba.core.mail import outbox_requeue_failed
from manabiba.core.models import AuditEntry, OutboxMessage


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["created_at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["created_at", "to", "subject", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status"]
    readonly_fields = ["message_id", "claim_token", "lease_expires_at", "attachments"]
    actions = ["requeue_failed"]

    @admin.action(description=_("Send the selected failed mail again"))
    def requeue_failed(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        requeued = outbox_requeue_failed(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(count)d mail queued again.") % {"count": len(requeued)})
