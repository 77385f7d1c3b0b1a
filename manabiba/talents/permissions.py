"""Who may see and do what in the talent bank: the talent runs their card; the coordinator screens."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from manabiba.accounts.permissions import has_permission
from manabiba.talents.models import IntroductionRequest, TalentProfile

AnyUser = AbstractBaseUser | AnonymousUser


def can_review_talents(user: AnyUser) -> bool:
    return has_permission(user, "talents.review")


def is_talent_owner(user: AnyUser, talent: TalentProfile | None) -> bool:
    return talent is not None and talent.user_id is not None and user.is_authenticated and talent.user_id == user.pk


def can_edit_talent(user: AnyUser, talent: TalentProfile) -> bool:
    """The registrant edits their card, except once it was declined or removed."""
    if talent.status in {
        TalentProfile.Status.AWAITING_CONSENT,
        TalentProfile.Status.DECLINED,
        TalentProfile.Status.REMOVED,
    }:
        return False
    return is_talent_owner(user, talent)


def can_request_introduction(user: AnyUser) -> bool:
    return user.is_authenticated and has_permission(user, "talents.request_introduction")


def can_see_talent_contact(user: AnyUser, talent: TalentProfile) -> bool:
    """Staff who screen, and the talent. A requester sees it only through an accepted request."""
    return can_review_talents(user) or is_talent_owner(user, talent)


def can_view_introduction(user: AnyUser, request: IntroductionRequest) -> bool:
    if not user.is_authenticated:
        return False
    if request.requester_id == user.pk or can_review_talents(user):
        return True
    # The talent sees what the office forwarded to them, never a request still with the office.
    return request.status != IntroductionRequest.Status.SUBMITTED and is_talent_owner(user, request.talent)


def can_see_released_contact(user: AnyUser, request: IntroductionRequest) -> bool:
    """The talent's contact details, through this request: only its requester, only once accepted."""
    return request.is_accepted and user.is_authenticated and request.requester_id == user.pk


def can_answer_introduction(user: AnyUser, request: IntroductionRequest) -> bool:
    return request.status == IntroductionRequest.Status.FORWARDED and is_talent_owner(user, request.talent)
