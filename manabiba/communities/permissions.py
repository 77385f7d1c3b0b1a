"""Who may do what with a community group: its owner and editors run its page; the coordinator reviews."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from manabiba.accounts.permissions import has_permission
from manabiba.communities.models import CommunityGroup, Membership

AnyUser = AbstractBaseUser | AnonymousUser


def membership_of(user: AnyUser, group: CommunityGroup) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(group=group, user_id=user.pk).first()


def can_edit_group(user: AnyUser, group: CommunityGroup) -> bool:
    """The group's owner and editors change its page, posts and events (not a rejected group's)."""
    if group.status == CommunityGroup.Status.REJECTED:
        return False
    return membership_of(user, group) is not None


def can_manage_members(user: AnyUser, group: CommunityGroup) -> bool:
    """Only the owner invites and removes editors and hands the group over."""
    membership = membership_of(user, group)
    return membership is not None and membership.role == Membership.Role.OWNER


def can_read_inbox(user: AnyUser, group: CommunityGroup) -> bool:
    return membership_of(user, group) is not None


def can_view_group(user: AnyUser, group: CommunityGroup) -> bool:
    """Listed groups are public; others only to their members and to the coordinator."""
    if group.is_listed:
        return True
    return has_permission(user, "communities.review") or membership_of(user, group) is not None


def can_review_group(user: AnyUser) -> bool:
    return has_permission(user, "communities.review")


def can_moderate(user: AnyUser) -> bool:
    return has_permission(user, "communities.moderate")
