"""Who may see and do what with citizen proposals: the proposer writes, the coordinator runs the
call and decides, a reviewer sees only the proposals assigned to them."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from manabiba.accounts.permissions import has_permission
from manabiba.proposals.models import Proposal

AnyUser = AbstractBaseUser | AnonymousUser


def can_manage_proposals(user: AnyUser) -> bool:
    return has_permission(user, "proposals.manage")


def can_propose(user: AnyUser) -> bool:
    return has_permission(user, "proposals.propose")


def may_be_reviewer(user: AnyUser) -> bool:
    return has_permission(user, "proposals.review")


def is_proposer(user: AnyUser, proposal: Proposal) -> bool:
    return user.is_authenticated and proposal.proposer_id == user.pk


def is_assigned_reviewer(user: AnyUser, proposal: Proposal) -> bool:
    return user.is_authenticated and may_be_reviewer(user) and proposal.reviews.filter(reviewer_id=user.pk).exists()


def can_view_proposal(user: AnyUser, proposal: Proposal) -> bool:
    """The proposer, the coordinator, and a reviewer it is assigned to (never another reviewer's)."""
    if is_proposer(user, proposal) or can_manage_proposals(user):
        return True
    return proposal.status != Proposal.Status.DRAFT and is_assigned_reviewer(user, proposal)


def can_edit_proposal(user: AnyUser, proposal: Proposal) -> bool:
    return proposal.is_editable and is_proposer(user, proposal)


def can_file_report(user: AnyUser, proposal: Proposal) -> bool:
    """The post-course report is the proposer's to write."""
    return is_proposer(user, proposal)


def can_see_survey_results(user: AnyUser, proposal: Proposal) -> bool:
    """The survey's results with its free text: the proposer and the coordinator, nobody else."""
    return is_proposer(user, proposal) or can_manage_proposals(user)
