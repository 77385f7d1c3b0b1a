"""Residents write to a group; the editors read the messages in their inbox."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities.models import CommunityGroup, ContactMessage
from manabiba.communities.permissions import membership_of
from manabiba.communities.services._common import Actor, _mail, _rate_limit, _site
from manabiba.core.addresses import normalise_email
from manabiba.core.audit import audit_log
from manabiba.core.ratelimit import allow_all

CONTACT_LIMIT_PER_HOUR = 5


@transaction.atomic
def contact_message_send(
    *,
    group: CommunityGroup,
    sender: Actor,
    sender_name: str,
    sender_email: str,
    subject: str,
    body: str,
    client_ip: str | None,
) -> ContactMessage:
    """A resident writes to a group. The message reaches the editors by mail and in their inbox;
    the resident never learns their addresses. At most five messages an hour per person and address."""
    if not group.is_listed:
        raise PermissionDenied(_("This group cannot be contacted."))
    hits = [(_rate_limit("ip", scope="contact", limit=CONTACT_LIMIT_PER_HOUR), client_ip or "-")]
    if sender is not None and sender.is_authenticated:
        hits.append((_rate_limit("user", scope="contact", limit=CONTACT_LIMIT_PER_HOUR), str(sender.pk)))
    hits.append((_rate_limit("email", scope="contact", limit=CONTACT_LIMIT_PER_HOUR), normalise_email(sender_email)))
    if not allow_all(hits):
        raise ValidationError(
            _("You have sent many messages in a short time. Please try again in an hour."), code="rate_limited"
        )
    message = ContactMessage(
        group=group,
        sender=sender if isinstance(sender, User) else None,
        sender_name=sender_name.strip(),
        sender_email=sender_email.strip(),
        subject=subject.strip(),
        body=body.strip(),
    )
    message.full_clean(exclude=["group", "sender"])
    message.save()
    audit_log(action="communities.message.sent", actor=sender, target=group, data={"message": message.pk})
    inbox = _site(reverse("communities:inbox", args=[group.pk]))
    for membership in group.memberships.select_related("user"):
        user = membership.user
        if user.is_active:
            context = {"group": group, "message": message, "inbox": inbox}
            _mail(user.email, user.language, "contact_message", context, name=user.full_name)
    return message


@transaction.atomic
def contact_message_mark_read(*, message: ContactMessage, actor: User) -> None:
    if membership_of(actor, message.group) is None:
        raise PermissionDenied(_("You cannot read this group's messages."))
    if message.read_at is None:
        ContactMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
