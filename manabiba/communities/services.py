"""Writes for community groups: sign-up and review, members, posts, events, contact, reports, freshness.

Every step that concerns a group is mailed to it (its owner and editors, and its contact
address) through the outbox, in the same transaction as the change.
"""

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import role_grant_earned
from manabiba.communities.images import image_checked, thumbnail_of
from manabiba.communities.models import (
    MAX_FIELDS,
    AbuseReport,
    ActivityPost,
    CommunityGroup,
    ContactMessage,
    Follow,
    Invitation,
    Membership,
    Photo,
)
from manabiba.communities.permissions import (
    can_edit_group,
    can_manage_members,
    can_moderate,
    can_review_group,
    membership_of,
)
from manabiba.core.addresses import normalise_email
from manabiba.core.audit import audit_log
from manabiba.core.mail import mail_send
from manabiba.core.models import Area
from manabiba.core.ratelimit import RateLimit, allow_all
from manabiba.core.search import SearchDocument, search_index_remove, search_index_update
from manabiba.core.uploads import Upload, validate_pdf
from manabiba.programs import services as program_services
from manabiba.programs.models import Category, Organizer, Program

Actor = AbstractBaseUser | AnonymousUser | None

SEARCH_KIND = "communities.group"
CONFIRM_SALT = "manabiba.communities.confirm-active"
UNSUBSCRIBE_SALT = "manabiba.communities.digest-unsubscribe"
INVITATION_DAYS = 14
CONTACT_LIMIT_PER_HOUR = 5
REPORT_LIMIT_PER_HOUR = 10

# The profile of a group as the application form shows it, in that order; the editors' form adds
# the logo's description. These are the fields the services let a form set directly.
GROUP_PROFILE_FIELDS = (
    "name",
    "name_kana",
    "kind",
    "activity_days",
    "activity_days_note",
    "activity_place",
    "members_count",
    "members_in_city",
    "founded_year",
    "purpose",
    "activities",
    "fees",
    "how_to_join",
    "website",
    "social_links",
    "representative_name",
    "representative_public",
    "contact_name",
    "contact_name_public",
    "contact_email",
    "contact_email_public",
    "contact_phone",
    "contact_phone_public",
    "recruiting",
)
GROUP_FIELDS = frozenset({*GROUP_PROFILE_FIELDS, "logo_alt"})
POST_FIELDS = frozenset({"kind", "title", "body", "who", "conditions", "how_to_join", "until"})


def posts_need_moderation() -> bool:
    """The city's choice: False, approved groups publish directly; True, every post waits for the coordinator."""
    return settings.COMMUNITIES_POSTS_NEED_MODERATION


def confirm_every() -> timedelta:
    return timedelta(days=settings.COMMUNITIES_CONFIRM_EVERY_DAYS)


def mark_after() -> timedelta:
    """How long after the yearly mail an unanswered group is marked as unconfirmed."""
    return timedelta(days=settings.COMMUNITIES_CONFIRM_MARK_DAYS)


def hide_after() -> timedelta:
    """How long after the yearly mail an unanswered group is hidden (the grace period)."""
    return timedelta(days=settings.COMMUNITIES_CONFIRM_HIDE_DAYS)


# --- mail ---------------------------------------------------------------------------------------------


def _site(path: str) -> str:
    return str(settings.SITE_URL) + path


def _mail(to: str, language: str, template: str, context: dict[str, Any], name: str = "") -> None:
    """Queue ``communities/mail/<template>`` to one person, in ``language`` (theirs), greeting ``name``."""
    mail_send(to=to, template=f"communities/mail/{template}", language=language, context={**context, "name": name})


def _mail_group(group: CommunityGroup, template: str, context: dict[str, Any]) -> None:
    """Tell the group: each member in their language, and the contact address if nobody has it."""
    context = {"group": group, **context}
    sent: set[str] = set()
    for membership in group.memberships.select_related("user"):
        user = membership.user
        if user.is_active and user.email.lower() not in sent:
            sent.add(user.email.lower())
            _mail(user.email, user.language, template, context, name=user.full_name)
    if group.contact_email and group.contact_email.lower() not in sent:
        _mail(group.contact_email, settings.LANGUAGE_CODE, template, context, name=group.contact_name)


def _group_link(group: CommunityGroup) -> str:
    return _site(reverse("communities:manage", args=[group.pk]))


# --- search -------------------------------------------------------------------------------------------


def group_search_document(group: CommunityGroup) -> SearchDocument:
    return SearchDocument(
        object_id=group.pk,
        title=" ".join(filter(None, [group.name, group.name_kana])),
        body=" ".join(
            filter(
                None,
                [
                    group.purpose,
                    group.activities,
                    str(group.get_kind_display()),
                    " ".join(c.minor or c.major for c in group.categories.all()),
                ],
            )
        ),
        venue=" ".join(filter(None, [group.activity_place, " ".join(a.name for a in group.areas.all())])),
    )


def group_search_documents() -> Iterable[SearchDocument]:
    groups = CommunityGroup.objects.filter(status=CommunityGroup.Status.APPROVED, hidden_at__isnull=True)
    for group in groups.prefetch_related("categories", "areas").order_by("pk").iterator(chunk_size=500):
        yield group_search_document(group)


def group_reindex(group: CommunityGroup) -> None:
    """Listed groups are in the search index; any other is taken out. Same transaction as the change."""
    if group.is_listed:
        document = group_search_document(group)
        search_index_update(
            kind=SEARCH_KIND, object_id=group.pk, title=document.title, body=document.body, venue=document.venue
        )
    else:
        search_index_remove(kind=SEARCH_KIND, object_id=group.pk)


# --- the catalogue organiser ----------------------------------------------------------------------------


def _organizer_name(group: CommunityGroup, organizer: Organizer | None = None) -> str:
    """The group's name, or the name with its number where another group's organiser has it."""
    taken = Organizer.objects.filter(kind=Organizer.Kind.GROUP, name=group.name)
    # Without an organiser yet, an unlinked one of that name (made by an import, say) becomes the group's.
    taken = taken.exclude(pk=organizer.pk) if organizer is not None else taken.exclude(community_group=None)
    return f"{group.name} ({group.pk})" if taken.exists() else group.name


def _sync_organizer(group: CommunityGroup) -> None:
    """The group's organiser in the catalogue carries its name and its owner and editors."""
    organizer = group.organizer
    if organizer is None:
        return
    changed = []
    name = _organizer_name(group, organizer)
    for field, value in (("name", name), ("name_kana", group.name_kana), ("url", group.website)):
        if getattr(organizer, field) != value:
            setattr(organizer, field, value)
            changed.append(field)
    if changed:
        organizer.save(update_fields=[*changed, "updated_at"])
    editors = list(User.objects.filter(group_memberships__group=group))
    organizer.editors.set(editors)
    if group.status == CommunityGroup.Status.APPROVED:
        for user in editors:
            role_grant_earned(user=user, role=Role.GROUP_ORGANISER, reason=f"editor of group {group.pk}")


def _link_organizer(group: CommunityGroup) -> None:
    if group.organizer_id is None:
        group.organizer = program_services.organizer_get_or_create(
            kind=Organizer.Kind.GROUP, name=_organizer_name(group), name_kana=group.name_kana, url=group.website
        )
        group.save(update_fields=["organizer", "updated_at"])
    _sync_organizer(group)


# --- sign-up and review ---------------------------------------------------------------------------------


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - GROUP_FIELDS
    if unknown:
        raise ValueError(f"Not group fields: {sorted(unknown)}")


def _check_categories(categories: Sequence[Category]) -> None:
    if not categories:
        raise ValidationError({"categories": _("Choose at least one field of activity.")})
    if len(categories) > MAX_FIELDS:
        raise ValidationError({"categories": _("Choose at most three fields of activity.")})


def _set_logo(group: CommunityGroup, logo: Upload | None) -> None:
    if logo is None:
        return
    if not group.logo_alt.strip():
        raise ValidationError({"logo_alt": _("Describe the logo for people who cannot see it.")})
    checked = image_checked(logo)
    group.logo.save(checked.name or "logo.jpg", checked, save=False)


def _set_leaflet(group: CommunityGroup, leaflet: Upload | None) -> None:
    if leaflet is None:
        return
    checked = validate_pdf(leaflet)
    group.leaflet.save(checked.name or "leaflet.pdf", checked, save=False)


def _clean_days(fields: dict[str, Any]) -> None:
    if "activity_days" in fields:
        days = fields["activity_days"]
        if not isinstance(days, str):
            days = "".join(str(day) for day in days)
        fields["activity_days"] = "".join(sorted({d for d in days if d in "0123456"}))


def _validate(group: CommunityGroup) -> None:
    if (
        group.members_count is not None
        and group.members_in_city is not None
        and group.members_in_city > group.members_count
    ):
        raise ValidationError({"members_in_city": _("More members live in the city than the group has.")})
    group.full_clean(exclude=["logo", "organizer", "submitted_by"])


@transaction.atomic
def group_apply(
    *,
    actor: User,
    agreed_to_rules: bool,
    categories: Sequence[Category],
    areas: Iterable[Area] = (),
    logo: Upload | None = None,
    **fields: Any,
) -> CommunityGroup:
    """A resident applies to list a group (仮登録); the coordinator reviews it. The applicant becomes its owner."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to register a group."))
    if not agreed_to_rules:
        raise ValidationError(_("You must agree to the posting rules."), code="rules")
    _check_fields(fields)
    _clean_days(fields)
    categories = list(categories)
    _check_categories(categories)
    now = timezone.now()
    group = CommunityGroup(
        submitted_by=actor, rules_agreed_at=now, status=CommunityGroup.Status.PENDING, confirmed_at=now, **fields
    )
    _validate(group)
    _set_logo(group, logo)
    group.save()
    group.categories.set(categories)
    group.areas.set(list(areas))
    Membership.objects.create(group=group, user=actor, role=Membership.Role.OWNER)
    audit_log(action="communities.group.applied", actor=actor, target=group, data={"name": group.name})

    _mail_group(group, "applied", {"link": _group_link(group)})
    return group


@transaction.atomic
def group_update(
    *,
    group: CommunityGroup,
    actor: User,
    categories: Sequence[Category] | None = None,
    areas: Iterable[Area] | None = None,
    logo: Upload | None = None,
    leaflet: Upload | None = None,
    **fields: Any,
) -> CommunityGroup:
    """The group's editors change its profile. An approved group's changes show at once."""
    if not can_edit_group(actor, group):
        raise PermissionDenied(_("You cannot change this group."))
    _check_fields(fields)
    _clean_days(fields)
    group = CommunityGroup.objects.select_for_update().get(pk=group.pk)
    changed = sorted(name for name, value in fields.items() if getattr(group, name) != value)
    for name in changed:
        setattr(group, name, fields[name])
    if categories is not None:
        categories = list(categories)
        _check_categories(categories)
    _validate(group)
    _set_logo(group, logo)
    _set_leaflet(group, leaflet)
    group.save()
    if categories is not None:
        group.categories.set(categories)
    if areas is not None:
        group.areas.set(list(areas))
    _sync_organizer(group)
    group_reindex(group)
    audit_log(action="communities.group.updated", actor=actor, target=group, data={"fields": changed})
    return group


def _transition(
    group: CommunityGroup, *, allowed_from: set[str], to: str, action: str, actor: Actor, reason: str = ""
) -> CommunityGroup:
    group = CommunityGroup.objects.select_for_update().get(pk=group.pk)
    if group.status not in allowed_from:
        raise ValidationError(
            _("This group is %(status)s and cannot be changed that way.") % {"status": group.get_status_display()},
            code="status",
        )
    before = group.status
    group.status = to
    group.status_reason = reason
    if to == CommunityGroup.Status.APPROVED:
        group.approved_at = timezone.now()
        group.confirmed_at = group.approved_at
    group.save(update_fields=["status", "status_reason", "approved_at", "confirmed_at", "updated_at"])
    audit_log(action=action, actor=actor, target=group, data={"from": before, "to": to, "reason": reason})
    return group


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError(_("Give a reason; the group will read it."), code="reason")
    return reason.strip()


@transaction.atomic
def group_request_changes(*, group: CommunityGroup, actor: User, reason: str) -> CommunityGroup:
    if not can_review_group(actor):
        raise PermissionDenied(_("Only the coordinator reviews groups."))
    reason = _require_reason(reason)
    group = _transition(
        group,
        allowed_from={CommunityGroup.Status.PENDING},
        to=CommunityGroup.Status.CHANGES_REQUESTED,
        action="communities.group.changes_requested",
        actor=actor,
        reason=reason,
    )

    _mail_group(group, "changes_requested", {"reason": reason, "link": _group_link(group)})
    return group


@transaction.atomic
def group_resubmit(*, group: CommunityGroup, actor: User) -> CommunityGroup:
    if not can_edit_group(actor, group):
        raise PermissionDenied(_("You cannot change this group."))
    group = _transition(
        group,
        allowed_from={CommunityGroup.Status.CHANGES_REQUESTED},
        to=CommunityGroup.Status.PENDING,
        action="communities.group.resubmitted",
        actor=actor,
    )

    _mail_group(group, "resubmitted", {})
    return group


@transaction.atomic
def group_approve(*, group: CommunityGroup, actor: User) -> CommunityGroup:
    """List the group: it gets an organiser in the catalogue, and its members the group-organiser role."""
    if not can_review_group(actor):
        raise PermissionDenied(_("Only the coordinator reviews groups."))
    group = _transition(
        group,
        allowed_from={CommunityGroup.Status.PENDING, CommunityGroup.Status.CHANGES_REQUESTED},
        to=CommunityGroup.Status.APPROVED,
        action="communities.group.approved",
        actor=actor,
    )
    _link_organizer(group)
    group_reindex(group)

    page = _site(reverse("communities:detail", args=[group.pk]))
    _mail_group(group, "approved", {"page": page, "link": _group_link(group)})
    return group


@transaction.atomic
def group_reject(*, group: CommunityGroup, actor: User, reason: str) -> CommunityGroup:
    if not can_review_group(actor):
        raise PermissionDenied(_("Only the coordinator reviews groups."))
    reason = _require_reason(reason)
    group = _transition(
        group,
        allowed_from={CommunityGroup.Status.PENDING, CommunityGroup.Status.CHANGES_REQUESTED},
        to=CommunityGroup.Status.REJECTED,
        action="communities.group.rejected",
        actor=actor,
        reason=reason,
    )
    group_reindex(group)

    _mail_group(group, "rejected", {"reason": reason})
    return group


# --- members ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    link: str


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


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
        token=_token_digest(raw),
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


def invitation_for(raw: str) -> Invitation | None:
    return Invitation.objects.select_related("group").filter(token=_token_digest(raw)).first()


@transaction.atomic
def invitation_accept(*, raw_token: str, actor: User) -> Membership:
    invitation = Invitation.objects.select_for_update().filter(token=_token_digest(raw_token)).first()
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
    locked = list(Membership.objects.select_for_update().filter(group=group))
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
    membership = Membership.objects.select_for_update().filter(group=group, user=actor).first()
    if membership is None:
        raise ValidationError(_("You are not an editor of this group."), code="not_member")
    if membership.role == Membership.Role.OWNER:
        raise ValidationError(_("Hand the group over to another editor before you leave."), code="owner")
    membership.delete()
    _sync_organizer(group)
    audit_log(action="communities.membership.left", actor=actor, target=group, data={"user": actor.pk})


@transaction.atomic
def communities_erase_for_deleted_account(*, user: User) -> int:
    """Remove a deleted account from the groups: its follows and editor places go, messages it sent
    keep their text but lose the sender. The owner of a group must hand it over first (a group is
    never left without an owner), so the deletion is refused. Returns how many rows were changed."""
    owned = list(
        Membership.objects.select_for_update()
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
    editing = list(Membership.objects.select_for_update().filter(user=user).select_related("group"))
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


# --- posts ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoUpload:
    file: Upload
    alt_text: str


def _add_photos(group: CommunityGroup, post: ActivityPost | None, photos: Sequence[PhotoUpload]) -> None:
    for photo in photos:
        if not photo.alt_text.strip():
            raise ValidationError({"photo_alt": _("Describe each photo for people who cannot see it.")})
        image = image_checked(photo.file)
        thumbnail = thumbnail_of(image)
        row = Photo(group=group, post=post, alt_text=photo.alt_text.strip())
        row.image.save(image.name or "photo.jpg", image, save=False)
        row.thumbnail.save(thumbnail.name or "thumb.jpg", thumbnail, save=False)
        row.save()


@transaction.atomic
def group_photo_add(*, group: CommunityGroup, actor: User, photo: PhotoUpload) -> None:
    if not can_edit_group(actor, group):
        raise PermissionDenied(_("You cannot change this group."))
    _add_photos(group, None, [photo])
    audit_log(action="communities.photo.added", actor=actor, target=group)


@transaction.atomic
def post_create(
    *, group: CommunityGroup, actor: User, photos: Sequence[PhotoUpload] = (), **fields: Any
) -> ActivityPost:
    """A post is published at once by an approved group, unless the city moderates every post first."""
    if not can_edit_group(actor, group):
        raise PermissionDenied(_("You cannot post for this group."))
    if group.status != CommunityGroup.Status.APPROVED:
        raise ValidationError(_("The group can post once the coordinator has approved it."), code="not_approved")
    unknown = set(fields) - POST_FIELDS
    if unknown:
        raise ValueError(f"Not post fields: {sorted(unknown)}")
    direct = not posts_need_moderation()
    now = timezone.now()
    post = ActivityPost(
        group=group,
        author=actor,
        status=ActivityPost.Status.PUBLISHED if direct else ActivityPost.Status.PENDING,
        published_at=now if direct else None,
        **fields,
    )
    post.full_clean(exclude=["group", "author"])
    post.save()
    _add_photos(group, post, photos)
    audit_log(
        action="communities.post.published" if direct else "communities.post.submitted",
        actor=actor,
        target=post,
        data={"group": group.pk, "kind": post.kind},
    )
    return post


@transaction.atomic
def post_withdraw(*, post: ActivityPost, actor: User) -> ActivityPost:
    if not can_edit_group(actor, post.group):
        raise PermissionDenied(_("You cannot change this post."))
    post = ActivityPost.objects.select_for_update().get(pk=post.pk)
    post.status = ActivityPost.Status.WITHDRAWN
    post.save(update_fields=["status", "updated_at"])
    audit_log(action="communities.post.withdrawn", actor=actor, target=post)
    return post


@transaction.atomic
def post_approve(*, post: ActivityPost, actor: User) -> ActivityPost:
    """The coordinator publishes a post that waited for moderation."""
    if not can_moderate(actor):
        raise PermissionDenied(_("Only the coordinator moderates posts."))
    post = ActivityPost.objects.select_for_update().get(pk=post.pk)
    if post.status != ActivityPost.Status.PENDING:
        raise ValidationError(_("This post is not waiting for moderation."), code="status")
    post.status = ActivityPost.Status.PUBLISHED
    post.published_at = timezone.now()
    post.status_reason = ""
    post.save(update_fields=["status", "published_at", "status_reason", "updated_at"])
    audit_log(action="communities.post.approved", actor=actor, target=post)
    return post


@transaction.atomic
def post_unpublish(*, post: ActivityPost, actor: User, reason: str) -> ActivityPost:
    """The coordinator takes a post down, saying why; the group is told."""
    if not can_moderate(actor):
        raise PermissionDenied(_("Only the coordinator moderates posts."))
    reason = _require_reason(reason)
    post = ActivityPost.objects.select_for_update().select_related("group").get(pk=post.pk)
    if post.status not in {ActivityPost.Status.PUBLISHED, ActivityPost.Status.PENDING}:
        raise ValidationError(_("This post is not published."), code="status")
    post.status = ActivityPost.Status.UNPUBLISHED
    post.status_reason = reason
    post.save(update_fields=["status", "status_reason", "updated_at"])
    audit_log(action="communities.post.unpublished", actor=actor, target=post, data={"reason": reason})
    group = post.group

    _mail_group(group, "post_unpublished", {"post": post, "reason": reason})
    return post


# --- events: programmes in the catalogue ------------------------------------------------------------------------


@transaction.atomic
def group_event_create(
    *,
    group: CommunityGroup,
    actor: User,
    sessions: Sequence[program_services.SessionTimes],
    categories: Iterable[Category] | None = None,
    **fields: Any,
) -> Program:
    """A group's event is a programme of the catalogue with the group as organiser.

    It is published at once unless the city moderates every post; then it waits as a draft in
    the moderation queue. Applications use the registration machinery when ``application`` is
    "site".
    """
    if not can_edit_group(actor, group):
        raise PermissionDenied(_("You cannot add events for this group."))
    if group.status != CommunityGroup.Status.APPROVED or group.organizer is None:
        raise ValidationError(_("The group can post once the coordinator has approved it."), code="not_approved")
    if not sessions:
        raise ValidationError({"starts_at": _("Give the date and time of the event.")})
    # The group's own check is done above; the catalogue records the change as the system's.
    program = program_services.program_create(
        actor=None,
        organizer=group.organizer,
        sessions=sessions,
        categories=list(categories) if categories is not None else list(group.categories.all()),
        **fields,
    )
    if not posts_need_moderation():
        program = program_services.program_publish(program=program, actor=None)
    audit_log(
        action="communities.event.created",
        actor=actor,
        target=group,
        data={"program": program.pk, "status": program.status},
    )
    return program


@transaction.atomic
def group_event_approve(*, program: Program, actor: User) -> Program:
    if not can_moderate(actor):
        raise PermissionDenied(_("Only the coordinator moderates posts."))
    program = program_services.program_publish(program=program, actor=actor)
    audit_log(action="communities.event.approved", actor=actor, target=program)
    return program


# --- contact ------------------------------------------------------------------------------------------------------


def _rate_limit(kind: str, *, scope: str, limit: int) -> RateLimit:
    return RateLimit(f"communities:{scope}:{kind}", limit, 3600)


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


# --- abuse reports ---------------------------------------------------------------------------------------------------


@transaction.atomic
def abuse_report_create(
    *,
    group: CommunityGroup,
    actor: Actor,
    reason: str,
    post: ActivityPost | None = None,
    client_ip: str | None = None,
) -> AbuseReport:
    """Anyone may report a group or a post to the coordinator; at most ten reports an hour per
    client address and, when signed in, per person, so the queue cannot be flooded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong.")})
    if post is not None and post.group_id != group.pk:
        raise ValidationError(_("This post is not the group's."), code="post")
    hits = [(_rate_limit("ip", scope="report", limit=REPORT_LIMIT_PER_HOUR), client_ip or "-")]
    if actor is not None and actor.is_authenticated:
        hits.append((_rate_limit("user", scope="report", limit=REPORT_LIMIT_PER_HOUR), str(actor.pk)))
    if not allow_all(hits):
        raise ValidationError(
            _("You have sent many reports in a short time. Please try again in an hour."), code="rate_limited"
        )
    report = AbuseReport.objects.create(
        group=group, post=post, reporter=actor if isinstance(actor, User) else None, reason=reason[:4000]
    )
    audit_log(action="communities.abuse.reported", actor=actor, target=report, data={"group": group.pk})
    return report


@transaction.atomic
def abuse_report_resolve(*, report: AbuseReport, actor: User, resolution: str) -> AbuseReport:
    if not can_moderate(actor):
        raise PermissionDenied(_("Only the coordinator moderates posts."))
    updated = AbuseReport.objects.filter(pk=report.pk, status=AbuseReport.Status.OPEN).update(
        status=AbuseReport.Status.RESOLVED, resolution=resolution.strip(), resolved_by=actor
    )
    report.refresh_from_db()
    if updated:
        audit_log(action="communities.abuse.resolved", actor=actor, target=report, data={"resolution": resolution})
    return report


# --- follow and the weekly digest -------------------------------------------------------------------------------------


@transaction.atomic
def group_follow(*, group: CommunityGroup, actor: User) -> Follow:
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to follow a group."))
    if not group.is_listed:
        raise ValidationError(_("This group cannot be followed."), code="not_listed")
    try:
        with transaction.atomic():
            follow, created = Follow.objects.get_or_create(
                group=group, user=actor, defaults={"last_digest_at": timezone.now()}
            )
    except IntegrityError:
        follow, created = Follow.objects.get(group=group, user=actor), False
    if not follow.digest:
        follow.digest = True
        follow.save(update_fields=["digest", "updated_at"])
    if created:
        audit_log(action="communities.group.followed", actor=actor, target=group)
    return follow


@transaction.atomic
def group_unfollow(*, group: CommunityGroup, actor: User) -> None:
    deleted, _count = Follow.objects.filter(group=group, user=actor).delete()
    if deleted:
        audit_log(action="communities.group.unfollowed", actor=actor, target=group)


def digest_unsubscribe_token(user: User) -> str:
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


@transaction.atomic
def digest_unsubscribe(*, token: str) -> User:
    """One click from the digest mail: no more digests, the follows stay."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid."), code="invalid") from error
    user = User.objects.get(pk=data["user"])
    changed = Follow.objects.filter(user=user, digest=True).update(digest=False)
    if changed:
        audit_log(action="communities.digest.unsubscribed", actor=user, target=user)
    return user


@dataclass(frozen=True)
class DigestItem:
    group: str
    title: str
    link: str


def _digest_items(follow: Follow, since: datetime, until: datetime) -> list[DigestItem]:
    group = follow.group
    items = [
        DigestItem(group.name, post.title, _site(reverse("communities:post", args=[group.pk, post.pk])))
        for post in group.posts.filter(
            status=ActivityPost.Status.PUBLISHED, published_at__gt=since, published_at__lte=until
        ).order_by("published_at")
    ]
    if group.organizer_id is not None:
        items += [
            DigestItem(group.name, program.title, _site(reverse("programs:detail", args=[program.pk])))
            for program in Program.objects.filter(
                organizer_id=group.organizer_id,
                status=Program.Status.PUBLISHED,
                published_at__gt=since,
                published_at__lte=until,
            ).order_by("published_at")
        ]
    return items


def digest_send(*, now: datetime | None = None) -> int:
    """Mail each follower what their groups posted since the last digest (run weekly, on Monday). Returns mails sent."""
    now = now or timezone.now()
    sent = 0
    user_ids = (
        Follow.objects.filter(digest=True, user__is_active=True, group__status=CommunityGroup.Status.APPROVED)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in list(user_ids):
        with transaction.atomic():
            follows = list(
                Follow.objects.select_for_update()
                .filter(user_id=user_id, digest=True, group__status=CommunityGroup.Status.APPROVED)
                .select_related("group", "user")
            )
            if not follows:
                continue
            user = follows[0].user
            items: list[DigestItem] = []
            for follow in follows:
                if follow.group.hidden_at is None:
                    items += _digest_items(follow, follow.last_digest_at or follow.created_at, now)
            Follow.objects.filter(pk__in=[f.pk for f in follows]).update(last_digest_at=now)
            if not items:
                continue
            unsubscribe = _site(reverse("communities:unsubscribe", args=[digest_unsubscribe_token(user)]))

            context = {"items": items, "unsubscribe": unsubscribe}
            _mail(user.email, user.language, "digest", context, name=user.full_name)
            sent += 1
    return sent


# --- freshness: the yearly confirmation ---------------------------------------------------------------


def confirmation_token(group: CommunityGroup) -> str:
    assert group.confirmation_requested_at is not None
    return signing.dumps(
        {"group": group.pk, "asked": int(group.confirmation_requested_at.timestamp())}, salt=CONFIRM_SALT
    )


def _mark_confirmed(group: CommunityGroup, actor: Actor, via: str) -> CommunityGroup:
    was_hidden = group.hidden_at is not None
    group.confirmed_at = timezone.now()
    group.confirmation_requested_at = None
    group.unconfirmed_since = None
    group.hidden_at = None
    group.save(
        update_fields=["confirmed_at", "confirmation_requested_at", "unconfirmed_since", "hidden_at", "updated_at"]
    )
    if was_hidden:
        group_reindex(group)
    audit_log(action="communities.group.confirmed_active", actor=actor, target=group, data={"via": via})
    return group


@transaction.atomic
def group_confirm_active_by_token(*, token: str) -> CommunityGroup:
    """The one-click link in the yearly mail: the group is still active."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=int(hide_after().total_seconds()) * 2)
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid or has expired."), code="invalid") from error
    group = CommunityGroup.objects.select_for_update().filter(pk=data["group"]).first()
    if group is None or group.status != CommunityGroup.Status.APPROVED:
        raise ValidationError(_("This link is not valid or has expired."), code="invalid")
    asked = group.confirmation_requested_at
    if asked is None or int(asked.timestamp()) != data["asked"]:
        # Confirmed already (this link or another way): nothing more to do.
        return group
    return _mark_confirmed(group, None, "link")


@transaction.atomic
def group_confirm_active(*, group: CommunityGroup, actor: User) -> CommunityGroup:
    if not can_edit_group(actor, group):
        raise PermissionDenied(_("You cannot change this group."))
    group = CommunityGroup.objects.select_for_update().get(pk=group.pk)
    return _mark_confirmed(group, actor, "page")


@dataclass(frozen=True)
class FreshnessRun:
    asked: int
    marked: int
    hidden: int


def groups_confirm_active_run(*, now: datetime | None = None) -> FreshnessRun:
    """The daily freshness step: ask groups a year after their last confirmation, mark those that do not
    answer within a month, hide those that do not answer within the grace period. Idempotent."""
    now = now or timezone.now()
    approved = CommunityGroup.objects.filter(status=CommunityGroup.Status.APPROVED)
    asked = marked = hidden = 0
    due = approved.filter(confirmation_requested_at__isnull=True, confirmed_at__lte=now - confirm_every())
    for group_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            group = (
                CommunityGroup.objects.select_for_update()
                .filter(pk=group_id, confirmation_requested_at__isnull=True)
                .first()
            )
            if group is None:
                continue
            group.confirmation_requested_at = now
            group.save(update_fields=["confirmation_requested_at", "updated_at"])
            link = _site(reverse("communities:confirm_active", args=[confirmation_token(group)]))
            audit_log(action="communities.group.confirmation_requested", actor=None, target=group)

            _mail_group(group, "confirm_active", {"link": link, "days": hide_after().days})
            asked += 1
    with transaction.atomic():
        to_mark = approved.filter(
            unconfirmed_since__isnull=True, confirmation_requested_at__lte=now - mark_after()
        ).select_for_update()
        for group in to_mark:
            group.unconfirmed_since = now
            group.save(update_fields=["unconfirmed_since", "updated_at"])
            audit_log(action="communities.group.marked_unconfirmed", actor=None, target=group)
            marked += 1
    with transaction.atomic():
        to_hide = approved.filter(
            hidden_at__isnull=True, confirmation_requested_at__lte=now - hide_after()
        ).select_for_update()
        for group in to_hide:
            group.hidden_at = now
            if group.unconfirmed_since is None:
                group.unconfirmed_since = now
            group.save(update_fields=["hidden_at", "unconfirmed_since", "updated_at"])
            group_reindex(group)
            audit_log(action="communities.group.hidden_inactive", actor=None, target=group)
            hidden += 1
    return FreshnessRun(asked=asked, marked=marked, hidden=hidden)


def event_session(starts_at: datetime, ends_at: datetime | None) -> program_services.SessionTimes:
    return program_services.SessionTimes(starts_at=starts_at, ends_at=ends_at)
