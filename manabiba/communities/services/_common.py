"""What several services share: mail to a person or to a whole group, links, the catalogue organiser
kept in step with the group, reasons, rate limits and the moderation setting.

Every step that concerns a group is mailed to it (its owner and editors, and its contact address)
through the outbox, in the same transaction as the change.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.services import role_grant_earned
from manabiba.communities.models import CommunityGroup
from manabiba.core.mail import mail_send
from manabiba.core.ratelimit import RateLimit
from manabiba.programs.models import Organizer

Actor = AbstractBaseUser | AnonymousUser | None


def posts_need_moderation() -> bool:
    """The city's choice: False, approved groups publish directly; True, every post waits for the coordinator."""
    return settings.COMMUNITIES_POSTS_NEED_MODERATION


def _site(path: str) -> str:
    return str(settings.SITE_URL) + path


def _mail(
    to: str, language: str, template: str, context: dict[str, Any], name: str = "", unsubscribe: str = ""
) -> None:
    """Queue ``communities/mail/<template>`` to one person, in ``language`` (theirs), greeting ``name``;
    ``unsubscribe`` is a list mail's one-click link (List-Unsubscribe)."""
    mail_send(
        to=to,
        template=f"communities/mail/{template}",
        language=language,
        context={**context, "name": name},
        unsubscribe=unsubscribe,
    )


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


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError(_("Give a reason; the group will read it."), code="reason")
    return reason.strip()


def _rate_limit(kind: str, *, scope: str, limit: int) -> RateLimit:
    return RateLimit(f"communities:{scope}:{kind}", limit, 3600)


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
