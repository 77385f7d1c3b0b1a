"""A group's editors: invited by the owner, joining, leaving, removed; ownership handed over."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities.models import CommunityGroup, Invitation, Membership
from manabiba.communities.permissions import can_manage_members
from manabiba.communities.selectors import invitation_token_digest
from manabiba.communities.services._common import _mail, _mail_group, _site, _sync_organizer
from manabiba.core.addresses import normalise_email
from manabiba.core.audit import audit_log

INVITATION_DAYS = 14


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    link: str


@transaction.atomic
def invitation_create(*, group: CommunityGroup, actor: User, email: str) -> IssuedInvitation:
    """The owner invites someone by e-mail to edit the group's page. Only the token's digest is stored."""
    if not can_manage_members(actor, group):
        raise PermissionDenied(_("Only the group's owner invites editors."))
    email = normalise_email(email)
    if group.memberships.filter(user__email=email).exists():
        raise ValidationError({"email": _("This person already edits the group.")})
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        group=group,
        email=email,
        token=invitation_token_digest(raw),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    link = _site(reverse("communities:invitation", args=[raw]))
    audit_log(action="communities.invitation.created", actor=actor, target=group, data={"invitation": invitation.pk})

    # The invitee may have no account yet: the mail is in the site's language.
    _mail(
        email,
        settings.LANGUAGE_CODE,
        "invitation",
        {"group": group, "inviter": actor.full_name or actor.email, "days": INVITATION_DAYS, "link": link},
    )
    return IssuedInvitation(invitation, link)


@transaction.atomic
def invitation_accept(*, raw_token: str, actor: User) -> Membership:
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).filter(token=invitation_token_digest(raw_token)).first()
    )
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < timezone.now():
        raise ValidationError(_("This invitation is no longer valid. Ask the group for a new one."), code="invalid")
    if normalise_email(invitation.email) != normalise_email(actor.email):
        raise PermissionDenied(_("This invitation was sent to another e-mail address."))
    group = invitation.group
    membership, _created = Membership.objects.get_or_create(
        group=group, user=actor, defaults={"role": Membership.Role.EDITOR}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    _sync_organizer(group)
    audit_log(action="communities.membership.joined", actor=actor, target=group, data={"user": actor.pk})
    return membership


@transaction.atomic
def ownership_transfer(*, group: CommunityGroup, actor: User, new_owner: User) -> CommunityGroup:
    """The owner hands the group over to one of its editors and becomes an editor."""
    if not can_manage_members(actor, group):
        raise PermissionDenied(_("Only the group's owner can hand it over."))
    locked = list(Membership.objects.select_for_update(of=("self",)).filter(group=group))
    target = next((m for m in locked if m.user_id == new_owner.pk), None)
    current = next((m for m in locked if m.role == Membership.Role.OWNER), None)
    if target is None:
        raise ValidationError(_("Hand the group over to one of its editors."), code="not_member")
    if current is None or current.user_id != actor.pk or target.pk == current.pk:
        raise ValidationError(_("Nothing to hand over."), code="same")
    current.role = Membership.Role.EDITOR
    current.save(update_fields=["role", "updated_at"])
    target.role = Membership.Role.OWNER
    target.save(update_fields=["role", "updated_at"])
    audit_log(
        action="communities.ownership.transferred",
        actor=actor,
        target=group,
        data={"from": actor.pk, "to": new_owner.pk},
    )

    old, new = actor.full_name or actor.email, new_owner.full_name or new_owner.email
    _mail_group(group, "ownership_transferred", {"old": old, "new": new})
    return group


@transaction.atomic
def membership_leave(*, group: CommunityGroup, actor: User) -> None:
    membership = Membership.objects.select_for_update(of=("self",)).filter(group=group, user=actor).first()
    if membership is None:
        raise ValidationError(_("You are not an editor of this group."), code="not_member")
    if membership.role == Membership.Role.OWNER:
        raise ValidationError(_("Hand the group over to another editor before you leave."), code="owner")
    membership.delete()
    _sync_organizer(group)
    audit_log(action="communities.membership.left", actor=actor, target=group, data={"user": actor.pk})


@transaction.atomic
def membership_remove(*, group: CommunityGroup, actor: User, membership: Membership) -> None:
    if not can_manage_members(actor, group) or membership.group_id != group.pk:
        raise PermissionDenied(_("Only the group's owner removes editors."))
    if membership.role == Membership.Role.OWNER:
        raise ValidationError(_("The owner cannot be removed."), code="owner")
    user_id = membership.user_id
    membership.delete()
    _sync_organizer(group)
    audit_log(action="communities.membership.removed", actor=actor, target=group, data={"user": user_id})
