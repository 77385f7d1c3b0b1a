"""A deleted account leaves the groups."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities.models import ContactMessage, Follow, Membership
from manabiba.communities.services._common import _sync_organizer
from manabiba.core.audit import audit_log


@transaction.atomic
def communities_erase_for_deleted_account(*, user: User) -> int:
    """Remove a deleted account from the groups: its follows and editor places go, messages it sent
    keep their text but lose the sender. The owner of a group must hand it over first (a group is
    never left without an owner), so the deletion is refused. Returns how many rows were changed."""
    owned = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(user=user, role=Membership.Role.OWNER)
        .select_related("group")
        .order_by("group__name")
    )
    if owned:
        raise ValidationError(
            _("You are the owner of %(groups)s. Please hand the group over to one of its editors first.")
            % {"groups": ", ".join(f"「{m.group.name}」" for m in owned)},
            code="group_owner",
        )
    follows, _counts = Follow.objects.filter(user=user).delete()
    editing = list(Membership.objects.select_for_update(of=("self",)).filter(user=user).select_related("group"))
    for membership in editing:
        membership.delete()
        _sync_organizer(membership.group)
    messages = ContactMessage.objects.filter(sender=user).update(sender=None, sender_name="", sender_email="")
    changed = follows + len(editing) + messages
    if changed:
        audit_log(
            action="communities.personal_data.erased",
            actor=None,
            data={"follows": follows, "memberships": len(editing), "messages": messages},
        )
    return changed
