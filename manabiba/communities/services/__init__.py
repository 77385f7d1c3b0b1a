"""Writes for community groups, one module per concern: the profile (sign-up and editing), review,
membership, posts, events, contact, moderation of reports, follows and the digest, freshness, keeping
the search index in step, and erasure. Shared helpers (mail, links, the catalogue organiser) are in
``_common``; reads (search documents, an invitation by its token) are in ``selectors``.

Every step that concerns a group is mailed to it (its owner and editors, and its contact
address) through the outbox, in the same transaction as the change. The names below are the
package's interface: import them from here.
"""

from manabiba.communities.services._common import posts_need_moderation
from manabiba.communities.services.contact import (
    CONTACT_LIMIT_PER_HOUR,
    contact_message_mark_read,
    contact_message_send,
)
from manabiba.communities.services.erasure import communities_erase_for_deleted_account
from manabiba.communities.services.events import event_session, group_event_approve, group_event_create
from manabiba.communities.services.follows import (
    DIGEST_LIST,
    UNSUBSCRIBE_SALT,
    DigestItem,
    digest_send,
    digest_unsubscribe,
    digest_unsubscribe_by_link,
    digest_unsubscribe_link,
    group_follow,
    group_unfollow,
)
from manabiba.communities.services.freshness import (
    CONFIRM_SALT,
    FreshnessRun,
    confirm_every,
    confirmation_token,
    group_confirm_active,
    group_confirm_active_by_token,
    groups_confirm_active_run,
    hide_after,
    mark_after,
)
from manabiba.communities.services.membership import (
    INVITATION_DAYS,
    IssuedInvitation,
    invitation_accept,
    invitation_create,
    membership_leave,
    membership_remove,
    ownership_transfer,
)
from manabiba.communities.services.moderation import REPORT_LIMIT_PER_HOUR, abuse_report_create, abuse_report_resolve
from manabiba.communities.services.posts import (
    POST_FIELDS,
    PhotoUpload,
    group_photo_add,
    post_approve,
    post_create,
    post_unpublish,
    post_withdraw,
)
from manabiba.communities.services.profile import GROUP_FIELDS, GROUP_PROFILE_FIELDS, group_apply, group_update
from manabiba.communities.services.review import group_approve, group_reject, group_request_changes, group_resubmit
from manabiba.communities.services.search import group_reindex

__all__ = [
    "CONFIRM_SALT",
    "CONTACT_LIMIT_PER_HOUR",
    "DIGEST_LIST",
    "GROUP_FIELDS",
    "GROUP_PROFILE_FIELDS",
    "INVITATION_DAYS",
    "POST_FIELDS",
    "REPORT_LIMIT_PER_HOUR",
    "UNSUBSCRIBE_SALT",
    "DigestItem",
    "FreshnessRun",
    "IssuedInvitation",
    "PhotoUpload",
    "abuse_report_create",
    "abuse_report_resolve",
    "communities_erase_for_deleted_account",
    "confirm_every",
    "confirmation_token",
    "contact_message_mark_read",
    "contact_message_send",
    "digest_send",
    "digest_unsubscribe",
    "digest_unsubscribe_by_link",
    "digest_unsubscribe_link",
    "event_session",
    "group_apply",
    "group_approve",
    "group_confirm_active",
    "group_confirm_active_by_token",
    "group_event_approve",
    "group_event_create",
    "group_follow",
    "group_photo_add",
    "group_reindex",
    "group_reject",
    "group_request_changes",
    "group_resubmit",
    "group_unfollow",
    "group_update",
    "groups_confirm_active_run",
    "hide_after",
    "invitation_accept",
    "invitation_create",
    "mark_after",
    "membership_leave",
    "membership_remove",
    "ownership_transfer",
    "post_approve",
    "post_create",
    "post_unpublish",
    "post_withdraw",
    "posts_need_moderation",
]
