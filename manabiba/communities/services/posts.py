"""A group's posts and photos, published at once or moderated first, and taken down by the coordinator."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities.images import image_checked, thumbnail_of
from manabiba.communities.models import ActivityPost, CommunityGroup, Photo
from manabiba.communities.permissions import can_edit_group, can_moderate
from manabiba.communities.services._common import _mail_group, _require_reason, posts_need_moderation
from manabiba.core.audit import audit_log
from manabiba.core.uploads import Upload

POST_FIELDS = frozenset({"kind", "title", "body", "who", "conditions", "how_to_join", "until"})


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
    post = ActivityPost.objects.select_for_update(of=("self",)).get(pk=post.pk)
    post.status = ActivityPost.Status.WITHDRAWN
    post.save(update_fields=["status", "updated_at"])
    audit_log(action="communities.post.withdrawn", actor=actor, target=post)
    return post


@transaction.atomic
def post_approve(*, post: ActivityPost, actor: User) -> ActivityPost:
    """The coordinator publishes a post that waited for moderation."""
    if not can_moderate(actor):
        raise PermissionDenied(_("Only the coordinator moderates posts."))
    post = ActivityPost.objects.select_for_update(of=("self",)).get(pk=post.pk)
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
    post = ActivityPost.objects.select_for_update(of=("self",)).select_related("group").get(pk=post.pk)
    if post.status not in {ActivityPost.Status.PUBLISHED, ActivityPost.Status.PENDING}:
        raise ValidationError(_("This post is not published."), code="status")
    post.status = ActivityPost.Status.UNPUBLISHED
    post.status_reason = reason
    post.save(update_fields=["status", "status_reason", "updated_at"])
    audit_log(action="communities.post.unpublished", actor=actor, target=post, data={"reason": reason})
    group = post.group

    _mail_group(group, "post_unpublished", {"post": post, "reason": reason})
    return post
