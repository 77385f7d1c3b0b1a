"""Writes for citizen-proposal lectures: calls, drafts and submission with the call's rules checked,
review, the decision, and the programme made from an accepted proposal.

Every state change is audited and mailed through the outbox in the recipient's language, in the
same transaction. Mail text lives in ``proposals/templates/proposals/mail/``.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.accounts.selectors import people_with_role
from manabiba.accounts.services import mail_to_user
from manabiba.communities.models import CommunityGroup
from manabiba.communities.permissions import can_edit_group
from manabiba.core.audit import audit_log
from manabiba.core.mail import mail_send
from manabiba.facilities.models import Facility, Room
from manabiba.programs import services as program_services
from manabiba.programs.models import Organizer, Program
from manabiba.proposals.models import (
    PROPOSAL_FIELDS,
    Proposal,
    ProposalCall,
    ProposalReport,
    ProposalSession,
    Review,
    SurveyAnswer,
    SurveyInvitation,
)
from manabiba.proposals.permissions import (
    can_edit_proposal,
    can_file_report,
    can_manage_proposals,
    can_propose,
    may_be_reviewer,
)
from manabiba.proposals.selectors import (
    REVIEWABLE,
    attendance_figures,
    call_is_open,
    lecture_is_held,
    survey_participants,
    surveys_due,
)
from manabiba.talents.models import TalentProfile
from manabiba.talents.services import is_listed, talent_lecture_record
from manabiba.venues.programme_services import program_rooms_hold

Status = Proposal.Status

CALL_FIELDS = frozenset(
    {
        "name",
        "term",
        "opens_on",
        "closes_on",
        "lectures_from",
        "lectures_until",
        "groups_may_propose",
        "min_members",
        "talents_may_propose",
        "sessions_min",
        "sessions_max",
        "hours_per_session_max",
        "fee_max_per_person",
        "themes",
        "honorarium_budget",
        "lectures_funded",
    }
)
SCORE_FIELDS = ("pioneering", "public_benefit", "feasibility")


@dataclass(frozen=True)
class SessionOutline:
    topic: str
    content: str = ""


def _site(path: str) -> str:
    return str(settings.SITE_URL) + path


def _check(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")


def _mail_proposer(proposal: Proposal, template: str, **context: Any) -> None:
    """To the proposer's account in their language, and to the form's contact if that is another address."""
    user = proposal.proposer
    full = {"proposal": proposal, "proposal_url": _site(reverse("proposals:detail", args=[proposal.pk])), **context}
    sent: set[str] = set()
    if user.is_active and user.email:
        sent.add(user.email.lower())
        mail_to_user(user=user, template=f"proposals/mail/{template}", context=full)
    if proposal.contact_email and proposal.contact_email.lower() not in sent:
        mail_send(
            to=proposal.contact_email,
            template=f"proposals/mail/{template}",
            language=user.language,
            context={"user": user, **full},
        )


# --- calls -----------------------------------------------------------------------------------------


def _clean_call(call: ProposalCall) -> None:
    errors: dict[str, str] = {}
    if call.closes_on < call.opens_on:
        errors["closes_on"] = _("The deadline cannot come before the opening.")
    if call.lectures_until < call.lectures_from:
        errors["lectures_until"] = _("The lectures cannot end before they begin.")
    if call.sessions_max < call.sessions_min:
        errors["sessions_max"] = _("The most sessions cannot be fewer than the fewest.")
    if not (call.groups_may_propose or call.talents_may_propose):
        errors["groups_may_propose"] = _("Let groups or talents propose, or both.")
    if errors:
        raise ValidationError(errors)
    call.full_clean()


@transaction.atomic
def call_create(*, actor: User, **fields: Any) -> ProposalCall:
    if not can_manage_proposals(actor):
        raise PermissionDenied(_("Only the coordinator opens calls for proposals."))
    _check(fields, CALL_FIELDS)
    call = ProposalCall(**fields)
    _clean_call(call)
    call.save()
    audit_log(action="proposals.call.created", actor=actor, target=call, data={"name": call.name})
    return call


@transaction.atomic
def call_update(*, call: ProposalCall, actor: User, **fields: Any) -> ProposalCall:
    if not can_manage_proposals(actor):
        raise PermissionDenied(_("Only the coordinator changes calls for proposals."))
    _check(fields, CALL_FIELDS)
    call = ProposalCall.objects.select_for_update(of=("self",)).get(pk=call.pk)
    changed = sorted(name for name, value in fields.items() if getattr(call, name) != value)
    for name in changed:
        setattr(call, name, fields[name])
    _clean_call(call)
    call.save()
    audit_log(action="proposals.call.updated", actor=actor, target=call, data={"fields": changed})
    return call


# --- drafts and submission -------------------------------------------------------------------------


def _replace_sessions(proposal: Proposal, sessions: Sequence[SessionOutline]) -> None:
    proposal.sessions.all().delete()
    ProposalSession.objects.bulk_create(
        ProposalSession(proposal=proposal, number=n, topic=s.topic.strip(), content=s.content.strip())
        for n, s in enumerate(sessions, start=1)
        if s.topic.strip() or s.content.strip()
    )


def _require_open(call: ProposalCall) -> None:
    if not call_is_open(call):
        raise ValidationError(
            _("This call is not open for proposals: its deadline has passed or it has not opened yet.")
        )


@transaction.atomic
def proposal_create(
    *,
    call: ProposalCall,
    actor: User,
    kind: str,
    group: CommunityGroup | None = None,
    sessions: Sequence[SessionOutline] = (),
    **fields: Any,
) -> Proposal:
    """A draft, by a group's owner or editor for the group, or by a talent for themself."""
    if not can_propose(actor):
        raise PermissionDenied(_("You cannot propose lectures."))
    _check(fields, frozenset(PROPOSAL_FIELDS))
    _require_open(call)
    talent = None
    if kind == Proposal.Kind.GROUP:
        if group is None or not can_edit_group(actor, group):
            raise ValidationError({"group": _("Choose a group you run.")})
        fields.setdefault("group_name", group.name)
    elif kind == Proposal.Kind.TALENT:
        talent = TalentProfile.objects.filter(user=actor, status=TalentProfile.Status.APPROVED).first()
        if talent is None:
            raise ValidationError({"kind": _("Only a registered talent may propose as an individual.")})
        group = None
    else:
        raise ValidationError({"kind": _("Say whether a group or a talent proposes.")})
    proposal = Proposal(call=call, proposer=actor, kind=kind, group=group, talent=talent, **fields)
    proposal.full_clean(exclude=["call", "proposer"])
    proposal.save()
    _replace_sessions(proposal, sessions)
    audit_log(action="proposals.proposal.created", actor=actor, target=proposal, data={"title": proposal.title})
    return proposal


@transaction.atomic
def proposal_update(
    *, proposal: Proposal, actor: User, sessions: Sequence[SessionOutline] | None = None, **fields: Any
) -> Proposal:
    """A draft stays editable until the call's deadline."""
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("call").get(pk=proposal.pk)
    if not can_edit_proposal(actor, proposal):
        raise PermissionDenied(_("You cannot change this proposal."))
    _check(fields, frozenset(PROPOSAL_FIELDS))
    _require_open(proposal.call)
    changed = sorted(name for name, value in fields.items() if getattr(proposal, name) != value)
    for name in changed:
        setattr(proposal, name, fields[name])
    proposal.full_clean(exclude=["call", "proposer"])
    proposal.save()
    if sessions is not None:
        _replace_sessions(proposal, sessions)
        changed.append("sessions")
    audit_log(action="proposals.proposal.updated", actor=actor, target=proposal, data={"fields": changed})
    return proposal


def proposal_rule_errors(proposal: Proposal) -> dict[str, list[str]]:
    """The call's rules, checked before submission: field name → what is wrong, in the user's language."""
    call = proposal.call
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not call_is_open(call):
        add("__all__", _("This call is not open for proposals: its deadline has passed or it has not opened yet."))
    if proposal.kind == Proposal.Kind.GROUP:
        if not call.groups_may_propose:
            add("kind", _("This call does not take proposals from groups."))
        if not proposal.representative.strip():
            add("representative", _("Give the group's representative."))
        members = proposal.members_count or 0
        if members < call.min_members:
            add(
                "members_count",
                _("A proposing group needs at least %(least)d members; the form says %(members)d.")
                % {"least": call.min_members, "members": members},
            )
        if (proposal.members_in_city or 0) * 2 <= members:
            add("members_in_city", _("Most of the group's members must live in the city."))
    elif proposal.kind == Proposal.Kind.TALENT:
        if not call.talents_may_propose:
            add("kind", _("This call does not take proposals from individual talents."))
        if proposal.talent is None or not is_listed(proposal.talent):
            add("kind", _("Only a talent with a valid card in the talent bank may propose as an individual."))
    if not proposal.aim.strip():
        add("aim", _("Say what the lecture aims at."))
    if proposal.lecturer_talent is None and not proposal.lecturer_name.strip():
        add("lecturer_name", _("Name the lecturer, or choose one from the talent bank."))
    if proposal.lecturer_talent is not None and not is_listed(proposal.lecturer_talent):
        add("lecturer_talent", _("The lecturer chosen is not in the talent bank's directory."))
    sessions = proposal.sessions.count()
    if not call.sessions_min <= sessions <= call.sessions_max:
        add(
            "sessions",
            _("The lecture must have between %(least)d and %(most)d sessions; the outline has %(count)d.")
            % {"least": call.sessions_min, "most": call.sessions_max, "count": sessions},
        )
    if proposal.hours_per_session > call.hours_per_session_max or proposal.hours_per_session <= Decimal(0):
        add(
            "hours_per_session",
            _("A session may last at most %(hours)s hours.") % {"hours": call.hours_per_session_max},
        )
    if proposal.fee_per_person > call.fee_max_per_person:
        add(
            "fee_per_person",
            _("Participants may pay costs only, at most %(yen)d yen each.") % {"yen": call.fee_max_per_person},
        )
    if proposal.honorarium_planned > call.honorarium_max_per_lecture:
        add(
            "honorarium_planned",
            _("The honorarium may be at most %(yen)d yen for one lecture.") % {"yen": call.honorarium_max_per_lecture},
        )
    if not proposal.capacity:
        add("capacity", _("Give the number of participants you expect."))
    return errors


def _next_reference(call: ProposalCall) -> str:
    """``<fiscal year>-<term letter>-<number>``, e.g. 2027-F-003: what the office quotes on the phone."""
    start = call.opens_on
    fiscal_year = start.year if start.month >= 4 else start.year - 1
    prefix = f"{fiscal_year}-{'F' if call.term == ProposalCall.Term.FIRST else 'S'}-"
    last = Proposal.objects.filter(call=call, reference__startswith=prefix).aggregate(m=Max("reference"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:03d}"


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor: User) -> Proposal:
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("call", "talent").get(pk=proposal.pk)
    # Numbers are handed out one call at a time, so two submissions cannot take the same one.
    ProposalCall.objects.select_for_update(of=("self",)).get(pk=proposal.call_id)
    if not can_edit_proposal(actor, proposal):
        raise PermissionDenied(_("You cannot submit this proposal."))
    errors = proposal_rule_errors(proposal)
    if errors:
        raise ValidationError(errors)
    proposal.status = Status.SUBMITTED
    proposal.reference = _next_reference(proposal.call)
    proposal.submitted_at = timezone.now()
    proposal.save(update_fields=["status", "reference", "submitted_at", "updated_at"])
    audit_log(
        action="proposals.proposal.submitted", actor=actor, target=proposal, data={"reference": proposal.reference}
    )
    _mail_proposer(proposal, "submitted")
    for coordinator in people_with_role(Role.COORDINATOR):
        mail_to_user(user=coordinator, template="proposals/mail/received", context={"proposal": proposal})
    return proposal


# --- review ----------------------------------------------------------------------------------------


@transaction.atomic
def review_assign(*, proposal: Proposal, reviewer: User, actor: User) -> Review:
    if not can_manage_proposals(actor):
        raise PermissionDenied(_("Only the coordinator assigns reviewers."))
    proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if proposal.status not in REVIEWABLE:
        raise ValidationError(_("Reviewers can be assigned only to a submitted proposal."))
    if not may_be_reviewer(reviewer):
        raise ValidationError({"reviewer": _("Only staff and committee members can review proposals.")})
    if reviewer.pk == proposal.proposer_id:
        raise ValidationError({"reviewer": _("The proposer cannot review their own proposal.")})
    review, created = Review.objects.get_or_create(proposal=proposal, reviewer=reviewer)
    if not created:
        raise ValidationError({"reviewer": _("This person already reviews this proposal.")})
    if proposal.status == Status.SUBMITTED:
        proposal.status = Status.IN_REVIEW
        proposal.save(update_fields=["status", "updated_at"])
    audit_log(action="proposals.review.assigned", actor=actor, target=proposal, data={"reviewer": reviewer.pk})
    mail_to_user(
        user=reviewer,
        template="proposals/mail/review_assigned",
        context={"proposal": proposal, "review_url": _site(reverse("proposals:review", args=[review.pk]))},
    )
    return review


@transaction.atomic
def review_submit(
    *,
    review: Review,
    actor: User,
    conflict: bool,
    conflict_note: str = "",
    pioneering: int | None = None,
    public_benefit: int | None = None,
    feasibility: int | None = None,
    comment: str = "",
) -> Review:
    """A reviewer declares a conflict of interest (and scores nothing), or scores the three criteria 1–5."""
    review = Review.objects.select_for_update(of=("self",)).select_related("proposal").get(pk=review.pk)
    if review.reviewer_id != actor.pk or not may_be_reviewer(actor):
        raise PermissionDenied(_("This review is not assigned to you."))
    if review.submitted_at is not None:
        raise ValidationError(_("You have already submitted this review."))
    if review.proposal.status != Status.IN_REVIEW:
        raise ValidationError(_("This proposal is no longer in review."))
    scores = {"pioneering": pioneering, "public_benefit": public_benefit, "feasibility": feasibility}
    if conflict:
        if not conflict_note.strip():
            raise ValidationError({"conflict_note": _("Say briefly what the conflict of interest is.")})
        scores = dict.fromkeys(scores)
    else:
        errors = {
            name: _("Give a score from 1 to 5.")
            for name, value in scores.items()
            if value is None or not 1 <= value <= 5
        }
        if errors:
            raise ValidationError(errors)
    review.conflict = conflict
    review.conflict_note = conflict_note.strip() if conflict else ""
    for name, value in scores.items():
        setattr(review, name, value)
    review.comment = comment.strip()
    review.submitted_at = timezone.now()
    review.save()
    audit_log(
        action="proposals.review.submitted",
        actor=actor,
        target=review.proposal,
        data={"review": review.pk, "conflict": conflict, **scores},
    )
    return review


@transaction.atomic
def proposal_decide(*, proposal: Proposal, actor: User, decision: str, reason: str, conditions: str = "") -> Proposal:
    """Accept, accept with conditions, or decline, with reasons the proposer is mailed."""
    if not can_manage_proposals(actor):
        raise PermissionDenied(_("Only the coordinator decides on proposals."))
    proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if proposal.status not in REVIEWABLE:
        raise ValidationError(_("This proposal has already been decided."))
    if decision not in Proposal.Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if not reason.strip():
        raise ValidationError({"decision_reason": _("Give the reasons for the decision.")})
    if decision == Proposal.Decision.ACCEPT_WITH_CONDITIONS and not conditions.strip():
        raise ValidationError({"conditions": _("Say what the conditions are.")})
    if proposal.reviews.filter(submitted_at__isnull=True).exists():
        raise ValidationError(_("Wait until every reviewer has submitted, or remove those who have not."))
    proposal.decision = decision
    proposal.decision_reason = reason.strip()
    proposal.conditions = conditions.strip() if decision == Proposal.Decision.ACCEPT_WITH_CONDITIONS else ""
    proposal.status = Status.DECLINED if decision == Proposal.Decision.DECLINE else Status.ACCEPTED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["decision", "decision_reason", "conditions", "status", "decided_at", "updated_at"])
    audit_log(action="proposals.proposal.decided", actor=actor, target=proposal, data={"decision": decision})
    _mail_proposer(proposal, "declined" if decision == Proposal.Decision.DECLINE else "accepted")
    return proposal


# --- from proposal to programme --------------------------------------------------------------------


def _organizer_for(proposal: Proposal) -> Organizer:
    """The proposing group's organiser in the catalogue, or the talent's own as a citizen lecturer."""
    if proposal.kind == Proposal.Kind.GROUP:
        if proposal.group is None or proposal.group.organizer is None:
            raise ValidationError(_("The proposing group has no organiser in the catalogue yet (it is not approved)."))
        return proposal.group.organizer
    person = proposal.proposer
    organizer = program_services.organizer_get_or_create(
        kind=Organizer.Kind.CITIZEN, name=f"{person.full_name or proposal.contact_name} ({person.pk})", user=person
    )
    organizer.editors.add(person)
    return organizer


@transaction.atomic
def proposal_schedule(
    *,
    proposal: Proposal,
    actor: User,
    sessions: Sequence[program_services.SessionTimes],
    facility: Facility,
    room: Room | None = None,
    capacity: int,
    min_participants: int | None = None,
    summary: str = "",
    description: str = "",
) -> Program:
    """Make the accepted proposal a programme of the catalogue, waiting for the usual review."""
    if not can_manage_proposals(actor):
        raise PermissionDenied(_("Only the coordinator schedules proposed lectures."))
    proposal = (
        Proposal.objects.select_for_update(of=("self",)).select_related("call", "group__organizer").get(pk=proposal.pk)
    )
    if proposal.status != Status.ACCEPTED:
        raise ValidationError(_("Only an accepted proposal can be scheduled."))
    errors: dict[str, str] = {}
    if not sessions:
        errors["sessions"] = _("Give the dates of the sessions.")
    elif any(
        not proposal.call.lectures_from <= timezone.localtime(s.starts_at).date() <= proposal.call.lectures_until
        for s in sessions
    ):
        errors["sessions"] = _("The sessions must fall within the call's lecture period.")
    if capacity < 1:
        errors["capacity"] = _("Give the capacity.")
    if min_participants is not None and min_participants > capacity:
        errors["min_participants"] = _("The minimum enrolment cannot exceed the capacity.")
    if room is not None and room.facility_id != facility.pk:
        errors["room"] = _("Choose a room of that facility.")
    if errors:
        raise ValidationError(errors)
    outline = "\n".join(f"{s.number}. {s.topic}" for s in proposal.sessions.all())
    fee = Program.Fee.MATERIALS if proposal.fee_per_person else Program.Fee.FREE
    # The coordinator's own check is above; the catalogue records the creation as the system's.
    program = program_services.program_create(
        actor=None,
        organizer=_organizer_for(proposal),
        sessions=sessions,
        title=proposal.title,
        summary=summary or proposal.aim[:300],
        description=description or "\n\n".join(filter(None, [proposal.aim, outline, proposal.appeal])),
        kind=Program.Kind.COURSE if len(sessions) > 1 else Program.Kind.EVENT,
        citizen_proposal=True,
        facility=facility,
        room=room,
        capacity=capacity,
        min_participants=min_participants,
        fee=fee,
        fee_amount=proposal.fee_per_person or None,
        application=Program.Application.SITE,
        contact_name=proposal.group_name or proposal.contact_name,
    )
    program.created_by = proposal.proposer
    program.save(update_fields=["created_by"])
    if room is not None and room.bookable:
        # The lecture's sessions hold the room through the room booking, so no group can book it meanwhile
        # (and a frame a group already holds stops the scheduling with the session it clashes with).
        program_rooms_hold(actor=actor, program=program, room=room)
    # It joins the coordinator's review queue like any group's or citizen's programme.
    program = program_services.program_submit(program=program, actor=actor)
    proposal.program = program
    proposal.status = Status.SCHEDULED
    proposal.save(update_fields=["program", "status", "updated_at"])
    # The lecturer (and a talent proposing for themself) gets the lecture in their history.
    for talent in {t for t in (proposal.lecturer_talent, proposal.talent) if t is not None}:
        talent_lecture_record(talent=talent, program=program, actor=actor)
    audit_log(action="proposals.proposal.scheduled", actor=actor, target=proposal, data={"program": program.pk})
    _mail_proposer(proposal, "scheduled", program=program)
    return program


# --- erasure ---------------------------------------------------------------------------------------


@transaction.atomic
def proposals_erase_for_deleted_account(*, user: User) -> int:
    """The person's proposals go (a programme made from one stays in the catalogue); their reviews
    stay without them, since a decision rests on them; their survey invitations go, and their answers
    lose their free text and the link to them."""
    deleted, _rows = Proposal.objects.filter(proposer=user).delete()
    kept = Review.objects.filter(reviewer=user).update(reviewer=None, comment="")
    # Survey answers: the free text goes and the link to the person; the anonymous scores stay in the figures.
    invitations, _rows = SurveyInvitation.objects.filter(user=user).delete()
    answers = SurveyAnswer.objects.filter(respondent=user).update(respondent=None, comment="")
    return deleted + kept + invitations + answers


# --- the participant survey after the last session -------------------------------------------------

SURVEY_DAYS = 30  # how long a participant may answer after the survey is sent
SURVEY_CHOICES = frozenset(SurveyAnswer.Choice.values)


def surveys_send_due(*, now: datetime | None = None) -> int:
    """Send the survey for every lecture held since the last run; safe to run again (each goes once)."""
    now = now or timezone.now()
    return sum(survey_send(proposal_id=pk, now=now) for pk in surveys_due(now))


@transaction.atomic
def survey_send(*, proposal_id: int, now: datetime | None = None) -> int:
    """Mail each participant who came a link to the survey (one answer each), and remind the proposer
    to file the report. Does nothing if the survey has gone or the lecture is not over: idempotent."""
    now = now or timezone.now()
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("program", "call", "proposer")
        .get(pk=proposal_id)
    )
    if proposal.survey_sent_at is not None or not lecture_is_held(proposal, now) or proposal.program is None:
        return 0
    closes_at = now + timedelta(days=SURVEY_DAYS)
    invited = 0
    for registration in survey_participants(proposal.program):
        email = registration.email or (registration.user.email if registration.user is not None else "")
        if not email:
            continue  # registered at the desk without an address: the office hands out paper forms
        invitation = SurveyInvitation.objects.create(
            proposal=proposal,
            registration=registration,
            user=registration.user,
            token=secrets.token_urlsafe(24),
            sent_at=now,
            closes_at=closes_at,
        )
        mail_send(
            to=email,
            template="proposals/mail/survey",
            language=registration.language,
            context={
                "name": registration.full_name,
                "program": proposal.program,
                "survey_url": _site(reverse("proposals:survey", args=[invitation.token])),
                "closes_at": closes_at,
            },
        )
        invited += 1
    proposal.survey_sent_at = now
    proposal.save(update_fields=["survey_sent_at", "updated_at"])
    audit_log(action="proposals.survey.sent", actor=None, target=proposal, data={"invited": invited})
    _mail_proposer(
        proposal,
        "report_due",
        report_url=_site(reverse("proposals:report", args=[proposal.pk])),
        invited=invited,
    )
    return invited


def survey_invitation(token: str) -> SurveyInvitation | None:
    return SurveyInvitation.objects.select_related("proposal", "proposal__program").filter(token=token).first()


@transaction.atomic
def survey_answer(
    *,
    token: str,
    satisfaction: int,
    join_again: str,
    would_teach: str,
    comment: str = "",
    now: datetime | None = None,
) -> SurveyAnswer:
    """One anonymous answer per invitation: the answer is stored without a link to the invitation."""
    now = now or timezone.now()
    invitation = SurveyInvitation.objects.select_for_update(of=("self",)).filter(token=token).first()
    if invitation is None:
        raise ValidationError(_("This survey link is not valid."), code="unknown")
    if invitation.answered_at is not None:
        raise ValidationError(_("This survey has already been answered. Thank you."), code="answered")
    if now > invitation.closes_at:
        raise ValidationError(_("This survey is closed."), code="closed")
    errors: dict[str, str] = {}
    if not 1 <= satisfaction <= 5:
        errors["satisfaction"] = _("Give a score from 1 to 5.")
    if join_again not in SURVEY_CHOICES:
        errors["join_again"] = _("Choose an answer.")
    if would_teach not in SURVEY_CHOICES:
        errors["would_teach"] = _("Choose an answer.")
    if errors:
        raise ValidationError(errors)
    answer = SurveyAnswer.objects.create(
        proposal_id=invitation.proposal_id,
        respondent=invitation.user,
        satisfaction=satisfaction,
        join_again=join_again,
        would_teach=would_teach,
        comment=comment.strip()[:2000],
        answered_on=timezone.localdate(now),
    )
    invitation.answered_at = now
    invitation.save(update_fields=["answered_at"])
    # Neither the person nor the answer is named: the audit log must not undo the anonymity.
    audit_log(action="proposals.survey.answered", actor=None, target=invitation.proposal, data={})
    return answer


# --- the post-course report (実施報告) -------------------------------------------------------------

REPORT_FIELDS = frozenset(
    {
        "content",
        "outcomes",
        "income",
        "spending",
        "money_note",
        "self_evaluation",
        "self_evaluation_note",
        "next_steps",
    }
)


@transaction.atomic
def report_file(*, proposal: Proposal, actor: User, now: datetime | None = None, **fields: Any) -> ProposalReport:
    """The proposer files the report after the lecture (or files it again after changes were asked for).

    The participant figures are taken from the attendance records now, never typed in."""
    now = now or timezone.now()
    _check(fields, REPORT_FIELDS)
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("program").get(pk=proposal.pk)
    if not can_file_report(actor, proposal):
        raise PermissionDenied(_("Only the proposer files the report of a lecture."))
    if not lecture_is_held(proposal, now) or proposal.program is None:
        raise ValidationError(_("The report can be filed once the last session is over."))
    report = ProposalReport.objects.select_for_update(of=("self",)).filter(proposal=proposal).first()
    if report is not None and report.status != ProposalReport.Status.CHANGES_REQUESTED:
        raise ValidationError(_("The report has already been filed."))
    report = report or ProposalReport(proposal=proposal)
    for name, value in fields.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    figures = attendance_figures(proposal.program)
    report.sessions_held = figures.sessions
    report.participants_confirmed = figures.confirmed
    report.participants_attended = figures.attended
    report.attendances = figures.attendances
    report.status = ProposalReport.Status.SUBMITTED
    report.submitted_at = now
    report.full_clean()
    report.save()
    audit_log(
        action="proposals.report.filed",
        actor=actor,
        target=proposal,
        data={"participants": report.participants_attended, "attendances": report.attendances},
    )
    for coordinator in people_with_role(Role.COORDINATOR):
        mail_to_user(
            user=coordinator,
            template="proposals/mail/report_filed",
            context={"proposal": proposal, "staff_url": _site(reverse("staff_proposals:report", args=[proposal.pk]))},
        )
    return report


def _locked_report(report: ProposalReport, actor: User) -> ProposalReport:
    if not can_manage_proposals(actor):
        raise PermissionDenied(_("Only the coordinator checks the reports."))
    report = ProposalReport.objects.select_for_update(of=("self",)).select_related("proposal").get(pk=report.pk)
    if report.status != ProposalReport.Status.SUBMITTED:
        raise ValidationError(_("This report is not waiting for the coordinator."))
    return report


@transaction.atomic
def report_accept(*, report: ProposalReport, actor: User, now: datetime | None = None) -> ProposalReport:
    report = _locked_report(report, actor)
    report.status = ProposalReport.Status.ACCEPTED
    report.accepted_at = now or timezone.now()
    report.change_request = ""
    report.save(update_fields=["status", "accepted_at", "change_request", "updated_at"])
    audit_log(action="proposals.report.accepted", actor=actor, target=report.proposal, data={})
    _mail_proposer(report.proposal, "report_accepted")
    return report


@transaction.atomic
def report_request_changes(*, report: ProposalReport, actor: User, reason: str) -> ProposalReport:
    report = _locked_report(report, actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what should be changed.")})
    report.status = ProposalReport.Status.CHANGES_REQUESTED
    report.change_request = reason.strip()
    report.save(update_fields=["status", "change_request", "updated_at"])
    audit_log(action="proposals.report.changes_requested", actor=actor, target=report.proposal, data={})
    _mail_proposer(
        report.proposal,
        "report_changes",
        reason=report.change_request,
        report_url=_site(reverse("proposals:report", args=[report.proposal_id])),
    )
    return report
