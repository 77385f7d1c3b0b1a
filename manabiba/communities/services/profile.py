"""A group's profile: a resident applies with it (仮登録), its editors change it."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities.images import image_checked
from manabiba.communities.models import MAX_FIELDS, CommunityGroup, Membership
from manabiba.communities.permissions import can_edit_group
from manabiba.communities.services._common import _group_link, _mail_group, _sync_organizer
from manabiba.communities.services.search import group_reindex
from manabiba.core.audit import audit_log
from manabiba.core.models import Area
from manabiba.core.uploads import Upload, validate_pdf
from manabiba.programs.models import Category

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
    group = CommunityGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)
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
