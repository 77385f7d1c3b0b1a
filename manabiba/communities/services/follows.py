"""Following a group, and the weekly digest of what the followed groups published."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities.models import ActivityPost, CommunityGroup, Follow
from manabiba.communities.services._common import _mail, _site
from manabiba.core.audit import audit_log
from manabiba.core.unsubscribe import UnsubscribeData, unsubscribe_link
from manabiba.programs.models import Program

# The digest's one-click unsubscribe list (core.unsubscribe); the salt is the one its links always had.
DIGEST_LIST = "communities.digest"
UNSUBSCRIBE_SALT = "manabiba.communities.digest-unsubscribe"


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


def digest_unsubscribe_link(user: User) -> str:
    """The digest's one-click link: it stops the digests, the follows stay."""
    return unsubscribe_link(DIGEST_LIST, {"user": user.pk})


@transaction.atomic
def digest_unsubscribe(*, user: User) -> bool:
    """No more digests for ``user``; the follows stay. Returns whether anything changed."""
    changed = Follow.objects.filter(user=user, digest=True).update(digest=False)
    if changed:
        audit_log(action="communities.digest.unsubscribed", actor=user, target=user)
    return bool(changed)


def digest_unsubscribe_by_link(data: UnsubscribeData) -> bool:
    """What the digest's link does (registered with core.unsubscribe)."""
    user = User.objects.filter(pk=int(data["user"])).first()
    return digest_unsubscribe(user=user) if user is not None else False


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
                Follow.objects.select_for_update(of=("self",))
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
            unsubscribe = digest_unsubscribe_link(user)
            context = {"items": items, "unsubscribe": unsubscribe}
            _mail(user.email, user.language, "digest", context, name=user.full_name, unsubscribe=unsubscribe)
            sent += 1
    return sent
