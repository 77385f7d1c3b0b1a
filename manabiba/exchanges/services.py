"""Writes for exchange meetings and joint training. Each re-checks who may do it, runs in one
transaction and writes an audit entry ``exchanges.<entity>.<verb>``; mail goes through the outbox.

Contended things are decided under a lock on the meeting's row (``ExchangeMeeting``): timetable
slots on a stage never overlap, table labels are unique (also a database constraint). Seats for
attending groups are the registrations app's, allocated under its own programme lock.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.communities import services as community_services
from manabiba.communities.models import CommunityGroup
from manabiba.core.audit import audit_log
from manabiba.core.mail import mail_send
from manabiba.core.uploads import Upload, validate_image, validate_pdf
from manabiba.exchanges.models import (
    ExchangeMeeting,
    FairTable,
    Generation,
    GroupAttendance,
    IntroductionRequest,
    Material,
    Presentation,
    SurveyResponse,
    TimetableSlot,
)
from manabiba.exchanges.permissions import can_act_for_group, can_coordinate
from manabiba.exchanges.selectors import groups_at, is_over, survey_recipients
from manabiba.programs.models import Program
from manabiba.programs.selectors import catalogue_changed
from manabiba.registrations import services as registration_services
from manabiba.registrations.models import Registration

SURVEY_SALT = "exchanges.survey"
SURVEY_MAX_AGE = 60 * 24 * 3600  # a survey link answers for 60 days


def _clean_generations(codes: list[str] | str) -> str:
    chosen = set(codes)
    unknown = chosen - set(Generation.values)
    if unknown:
        raise ValidationError({"generations": [_("Choose from the generations listed.")]})
    return "".join(code for code in Generation.values if code in chosen)


def _require_coordinator(actor: User, program: Program) -> None:
    if not can_coordinate(actor, program):
        raise PermissionDenied(_("You do not run this meeting."))


def _require_group(actor: User, group: CommunityGroup) -> None:
    if not can_act_for_group(actor, group):
        raise PermissionDenied(_("You cannot act for this group."))


def _lock_meeting(program: Program) -> ExchangeMeeting:
    meeting = ExchangeMeeting.objects.select_for_update(of=("self",)).filter(program=program).first()
    if meeting is None:
        raise ValidationError(_("This programme is not set up as an exchange meeting yet."), code="not_set_up")
    return meeting


def _site(path: str) -> str:
    return settings.SITE_URL + path


def _meeting_url(program: Program) -> str:
    return _site(reverse("exchanges:meeting", args=[program.pk]))


def _mail_group(group: CommunityGroup, person: User | None, template: str, context: dict[str, Any]) -> None:
    """To the person who acted for the group, in their language; to the group's contact address
    (in the site's language) when that person is gone."""
    if person is not None and person.is_active and person.email:
        to, language, name = person.email, person.language, person.full_name
    else:
        to, language, name = group.contact_email, "", group.contact_name
    mail_send(
        to=to,
        template=f"exchanges/mail/{template}",
        language=language,
        context={"group": group, "name": name, **context},
    )


# The meeting -----------------------------------------------------------------------------------


@transaction.atomic
def meeting_setup(
    *,
    program: Program,
    actor: User,
    format: str,
    stages: str = "",
    groups_only: bool = False,
    presentations_open: bool = True,
    tables_open: bool = False,
) -> ExchangeMeeting:
    """Make an ``exchange`` programme a meeting, or change its format and rules."""
    _require_coordinator(actor, program)
    if program.kind != Program.Kind.EXCHANGE:
        raise ValidationError(_("Only a programme of the kind exchange meeting can be set up as one."))
    if format not in ExchangeMeeting.Format.values:
        raise ValidationError({"format": [_("Choose one of the formats.")]})
    meeting, created = ExchangeMeeting.objects.select_for_update(of=("self",)).get_or_create(program=program)
    meeting.format = format
    meeting.stages = "\n".join(line.strip() for line in stages.splitlines() if line.strip())[:300]
    meeting.groups_only = groups_only
    meeting.presentations_open = presentations_open
    meeting.tables_open = tables_open
    meeting.save()
    audit_log(
        action="exchanges.meeting.created" if created else "exchanges.meeting.changed",
        actor=actor,
        target=program,
        data={"format": format, "groups_only": groups_only},
    )
    catalogue_changed()
    return meeting


# Presentations ---------------------------------------------------------------------------------


@transaction.atomic
def presentation_apply(
    *,
    program: Program,
    group: CommunityGroup,
    actor: User,
    title: str,
    summary: str,
    minutes_needed: int,
    generations: list[str],
    equipment: str = "",
    materials_public: bool = False,
) -> Presentation:
    """A group applies to present its activity; the coordinator decides."""
    _require_group(actor, group)
    meeting = _lock_meeting(program)
    if not meeting.presentations_open or is_over(program) or program.status != Program.Status.PUBLISHED:
        raise ValidationError(_("This meeting does not take presentations now."), code="closed")
    if Presentation.objects.filter(program=program, group=group).exists():
        raise ValidationError(_("Your group has already applied to present at this meeting."), code="duplicate")
    presentation = Presentation(
        program=program,
        group=group,
        applied_by=actor,
        title=title.strip(),
        summary=summary.strip(),
        minutes_needed=minutes_needed,
        generations=_clean_generations(generations),
        equipment=equipment.strip(),
        materials_public=materials_public,
    )
    presentation.full_clean(exclude=["program", "group", "applied_by", "decided_by"], validate_constraints=False)
    if not 1 <= minutes_needed <= 240:
        raise ValidationError({"minutes_needed": [_("Between 1 and 240 minutes.")]})
    presentation.save()
    audit_log(
        action="exchanges.presentation.applied",
        actor=actor,
        target=presentation,
        data={"program": program.pk, "group": group.pk},
    )
    return presentation


DECISIONS = {
    Presentation.Status.ACCEPTED,
    Presentation.Status.DECLINED,
    Presentation.Status.WAITLISTED,
}


@transaction.atomic
def presentation_decide(
    *, presentation: Presentation, actor: User, status: str, note: str = "", now: datetime | None = None
) -> Presentation:
    """The coordinator accepts, declines or waitlists an application; the group is told by mail.
    A presentation no longer accepted leaves the timetable."""
    program = presentation.program
    _require_coordinator(actor, program)
    _lock_meeting(program)
    presentation = (
        Presentation.objects.select_for_update(of=("self",))
        .select_related("group", "applied_by")
        .get(pk=presentation.pk)
    )
    if status not in DECISIONS:
        raise ValidationError(_("Choose accept, decline or the waiting list."))
    if presentation.status == Presentation.Status.WITHDRAWN:
        raise ValidationError(_("The group has withdrawn this presentation."))
    previous = presentation.status
    presentation.status = status
    presentation.decision_note = note.strip()[:300]
    presentation.decided_at = now or timezone.now()
    presentation.decided_by = actor
    presentation.save()
    if status != Presentation.Status.ACCEPTED:
        TimetableSlot.objects.filter(presentation=presentation).delete()
    audit_log(
        action=f"exchanges.presentation.{status}",
        actor=actor,
        target=presentation,
        data={"from": previous, "program": program.pk},
    )
    if status != previous:
        _mail_group(
            presentation.group,
            presentation.applied_by,
            "presentation_decided",
            {"presentation": presentation, "program": program, "meeting_url": _meeting_url(program)},
        )
    catalogue_changed()
    return presentation


@transaction.atomic
def presentation_withdraw(*, presentation: Presentation, actor: User) -> Presentation:
    _require_group(actor, presentation.group)
    _lock_meeting(presentation.program)
    if is_over(presentation.program):
        raise ValidationError(_("The meeting is over."), code="over")
    presentation.status = Presentation.Status.WITHDRAWN
    presentation.save(update_fields=["status", "updated_at"])
    TimetableSlot.objects.filter(presentation=presentation).delete()
    audit_log(action="exchanges.presentation.withdrawn", actor=actor, target=presentation)
    catalogue_changed()
    return presentation


@transaction.atomic
def presentation_consent_set(*, presentation: Presentation, actor: User, materials_public: bool) -> Presentation:
    """The presenter agrees (or no longer agrees) to show their materials after the day."""
    _require_group(actor, presentation.group)
    presentation.materials_public = materials_public
    presentation.save(update_fields=["materials_public", "updated_at"])
    audit_log(
        action="exchanges.presentation.consent_changed",
        actor=actor,
        target=presentation,
        data={"materials_public": materials_public},
    )
    catalogue_changed()
    return presentation


# The timetable ---------------------------------------------------------------------------------


@transaction.atomic
def slot_add(
    *,
    program: Program,
    actor: User,
    stage: str,
    starts_at: datetime,
    ends_at: datetime,
    presentation: Presentation | None = None,
    label: str = "",
) -> TimetableSlot:
    """Put an accepted presentation, or a break, on a stage at a time. Slots on one stage never
    overlap: checked under the meeting's lock, so two coordinators cannot fill the same time."""
    _require_coordinator(actor, program)
    meeting = _lock_meeting(program)
    stage = stage.strip()
    errors: dict[str, list[str]] = {}
    if not stage:
        errors["stage"] = [_("Choose a room or stage.")]
    elif meeting.stage_list and stage not in meeting.stage_list:
        errors["stage"] = [_("Choose one of the meeting's rooms or stages.")]
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The end must be after the start.")]
    if presentation is not None:
        if presentation.program_id != program.pk or presentation.status != Presentation.Status.ACCEPTED:
            errors["presentation"] = [_("Only an accepted presentation of this meeting can be placed.")]
        elif TimetableSlot.objects.filter(presentation=presentation).exists():
            errors["presentation"] = [_("This presentation is already in the timetable.")]
    elif not label.strip():
        errors["label"] = [_("Name the break, or choose a presentation.")]
    if not errors:
        overlapping = TimetableSlot.objects.filter(
            program=program, stage=stage, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).first()
        if overlapping is not None:
            errors["starts_at"] = [
                _("This time overlaps another slot on the same stage (%(time)s).")
                % {"time": timezone.localtime(overlapping.starts_at).strftime("%H:%M")}
            ]
    if errors:
        raise ValidationError(errors)
    slot = TimetableSlot.objects.create(
        program=program,
        stage=stage,
        starts_at=starts_at,
        ends_at=ends_at,
        presentation=presentation,
        label=label.strip()[:100],
    )
    audit_log(
        action="exchanges.slot.added",
        actor=actor,
        target=program,
        data={"slot": slot.pk, "stage": stage, "presentation": presentation.pk if presentation else None},
    )
    catalogue_changed()
    return slot


@transaction.atomic
def slot_remove(*, slot: TimetableSlot, actor: User) -> None:
    program = slot.program
    _require_coordinator(actor, program)
    _lock_meeting(program)
    audit_log(action="exchanges.slot.removed", actor=actor, target=program, data={"slot": slot.pk})
    slot.delete()
    catalogue_changed()


@transaction.atomic
def timetable_publish(*, program: Program, actor: User, now: datetime | None = None) -> int:
    """Publish the timetable and mail each presenter their time (again if it changed since).
    Returns how many presenters were mailed."""
    _require_coordinator(actor, program)
    meeting = _lock_meeting(program)
    now = now or timezone.now()
    meeting.timetable_published_at = now
    meeting.save(update_fields=["timetable_published_at", "updated_at"])
    mailed = 0
    slots = TimetableSlot.objects.filter(program=program, presentation__isnull=False).select_related(
        "presentation__group", "presentation__applied_by"
    )
    for slot in slots:
        presentation = slot.presentation
        assert presentation is not None
        if presentation.time_mailed_at is not None and presentation.time_mailed_at >= slot.created_at:
            continue
        _mail_group(
            presentation.group,
            presentation.applied_by,
            "presentation_time",
            {"presentation": presentation, "slot": slot, "program": program, "meeting_url": _meeting_url(program)},
        )
        Presentation.objects.filter(pk=presentation.pk).update(time_mailed_at=now)
        mailed += 1
    audit_log(action="exchanges.timetable.published", actor=actor, target=program, data={"mailed": mailed})
    catalogue_changed()
    return mailed


# Fair tables -----------------------------------------------------------------------------------


@transaction.atomic
def table_apply(
    *, program: Program, group: CommunityGroup, actor: User, shows: str, generations: list[str]
) -> FairTable:
    _require_group(actor, group)
    meeting = _lock_meeting(program)
    if not meeting.tables_open or is_over(program) or program.status != Program.Status.PUBLISHED:
        raise ValidationError(_("This meeting does not take table applications now."), code="closed")
    if FairTable.objects.filter(program=program, group=group).exists():
        raise ValidationError(_("Your group has already applied for a table."), code="duplicate")
    if not shows.strip():
        raise ValidationError({"shows": [_("Say what you will show.")]})
    table = FairTable.objects.create(
        program=program,
        group=group,
        applied_by=actor,
        shows=shows.strip()[:300],
        generations=_clean_generations(generations),
    )
    audit_log(action="exchanges.table.applied", actor=actor, target=table, data={"program": program.pk})
    return table


@transaction.atomic
def table_decide(*, table: FairTable, actor: User, status: str, table_label: str = "") -> FairTable:
    """Accept a table and place it (e.g. "A-3"), or decline it. A label is one table's."""
    _require_coordinator(actor, table.program)
    _lock_meeting(table.program)
    if status not in {FairTable.Status.ACCEPTED, FairTable.Status.DECLINED}:
        raise ValidationError(_("Choose accept or decline."))
    table_label = table_label.strip()[:20] if status == FairTable.Status.ACCEPTED else ""
    if (
        table_label
        and FairTable.objects.filter(program=table.program, table_label=table_label).exclude(pk=table.pk).exists()
    ):
        raise ValidationError({"table_label": [_("Another group already has this table.")]})
    table.status = status
    table.table_label = table_label
    table.save(update_fields=["status", "table_label", "updated_at"])
    audit_log(action=f"exchanges.table.{status}", actor=actor, target=table, data={"table": table_label})
    catalogue_changed()
    return table


# Group attendance ------------------------------------------------------------------------------


def _refuse_duplicate_attendance(program: Program, group: CommunityGroup) -> None:
    if GroupAttendance.objects.filter(program=program, group=group).exists():
        raise ValidationError(_("Your group has already registered for this meeting."), code="duplicate")


def group_attendance_register(
    *,
    program: Program,
    group: CommunityGroup,
    actor: User,
    members: int,
    generations: list[str],
    consent: bool,
    now: datetime | None = None,
) -> GroupAttendance:
    """A group registers how many of its members come. The seats are one registration of that party
    size, placed by the registrations app under its programme lock (confirmed or waitlisted);
    one registration per group per meeting (a database constraint decides a race)."""
    _require_group(actor, group)
    codes = _clean_generations(generations)
    try:
        with transaction.atomic():
            # The programme's lock (the one registrations takes) first, so the check below is decided
            # under it: two editors of one group never both pass it.
            Program.objects.select_for_update(of=("self",)).filter(pk=program.pk).first()
            _refuse_duplicate_attendance(program, group)
            registration = registration_services.registration_submit_for_group(
                program=program,
                actor=actor,
                group_name=group.name,
                contact_email=group.contact_email,
                party_size=members,
                consent=consent,
                now=now,
            )
            attendance = GroupAttendance.objects.create(
                program=program,
                group=group,
                registration=registration,
                registered_by=actor,
                members=members,
                generations=codes,
            )
            audit_log(
                action="exchanges.attendance.registered",
                actor=actor,
                target=attendance,
                data={"program": program.pk, "members": members, "status": registration.status},
            )
    except IntegrityError as error:
        # Two editors of one group registering at once: the constraint lets one through.
        raise ValidationError(_("Your group has already registered for this meeting."), code="duplicate") from error
    catalogue_changed()
    return attendance


@transaction.atomic
def group_attendance_record(*, attendance: GroupAttendance, actor: User, members_present: int) -> GroupAttendance:
    """The coordinator records how many of a group's members came (joint training keeps it per group)."""
    _require_coordinator(actor, attendance.program)
    if members_present < 0 or members_present > 999:
        raise ValidationError({"members_present": [_("Enter the number of members who came.")]})
    attendance.members_present = members_present
    attendance.save(update_fields=["members_present", "updated_at"])
    audit_log(
        action="exchanges.attendance.recorded",
        actor=actor,
        target=attendance,
        data={"members_present": members_present},
    )
    return attendance


# Materials -------------------------------------------------------------------------------------


@transaction.atomic
def material_upload(*, presentation: Presentation, actor: User, title: str, file: Upload) -> Material:
    """Slides or a flyer: a PDF (checked to be one) or an image (re-encoded without its metadata)."""
    _require_group(actor, presentation.group)
    if presentation.status != Presentation.Status.ACCEPTED:
        raise ValidationError(_("Materials can be added once the presentation is accepted."))
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        checked, kind = validate_pdf(file), Material.Kind.PDF
    else:
        try:
            checked, kind = validate_image(file), Material.Kind.IMAGE
        except ValidationError as error:
            raise ValidationError(
                {
                    "file": [_("Upload a PDF or a JPEG, PNG or WebP image.")]
                    if error.code == "not_an_image"
                    else error.messages
                }
            ) from error
    if not title.strip():
        raise ValidationError({"title": [_("Give the material a title.")]})
    material = Material(presentation=presentation, title=title.strip()[:200], kind=kind, uploaded_by=actor)
    material.file.save(checked.name or "material", checked, save=False)
    material.save()
    audit_log(action="exchanges.material.uploaded", actor=actor, target=material, data={"kind": kind})
    catalogue_changed()
    return material


@transaction.atomic
def material_remove(*, material: Material, actor: User) -> None:
    presentation = material.presentation
    if not (can_act_for_group(actor, presentation.group) or can_coordinate(actor, presentation.program)):
        raise PermissionDenied(_("You cannot remove this material."))
    audit_log(action="exchanges.material.removed", actor=actor, target=presentation, data={"material": material.pk})
    material.file.delete(save=False)
    material.delete()
    catalogue_changed()


# Follow-up -------------------------------------------------------------------------------------


@transaction.atomic
def introduction_request(
    *, program: Program, from_group: CommunityGroup, to_group: CommunityGroup, actor: User, message: str
) -> IntroductionRequest:
    """After the meeting, a group asks to be introduced to another it met there. The message goes
    through the other group's contact form (its editors read it; its address is not shown)."""
    _require_group(actor, from_group)
    if not is_over(program):
        raise ValidationError(_("Introductions can be asked for after the meeting."), code="too_early")
    met = {group.pk for group in groups_at(program)}
    if from_group.pk not in met or to_group.pk not in met or from_group.pk == to_group.pk:
        raise ValidationError({"to_group": [_("Choose another group that took part in the meeting.")]})
    if not message.strip():
        raise ValidationError({"message": [_("Write a short message to the other group.")]})
    if IntroductionRequest.objects.filter(program=program, from_group=from_group, to_group=to_group).exists():
        raise ValidationError(_("Your group has already asked to meet this group."), code="duplicate")
    intro = IntroductionRequest.objects.create(
        program=program, from_group=from_group, to_group=to_group, requested_by=actor, message=message.strip()
    )
    community_services.contact_message_send(
        group=to_group,
        sender=actor,
        sender_name=from_group.name,
        sender_email=actor.email,
        subject=_("%(group)s would like to meet you after %(meeting)s")
        % {"group": from_group.name, "meeting": program.title},
        body=message.strip(),
        client_ip=None,
    )
    audit_log(
        action="exchanges.introduction.requested",
        actor=actor,
        target=intro,
        data={"from": from_group.pk, "to": to_group.pk},
    )
    return intro


def survey_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk, "p": registration.program_id}, salt=SURVEY_SALT)


def survey_registration(token: str) -> Registration | None:
    """The registration a survey link was mailed for, or None when the link is wrong or too old."""
    try:
        value = signing.loads(token, salt=SURVEY_SALT, max_age=SURVEY_MAX_AGE)
    except signing.BadSignature:
        return None
    return Registration.objects.filter(pk=value.get("r"), program_id=value.get("p")).select_related("program").first()


@transaction.atomic
def survey_send(*, program: Program, actor: User, now: datetime | None = None) -> int:
    """Mail the short survey to every attendee with an address (once a meeting is over; once)."""
    _require_coordinator(actor, program)
    meeting = _lock_meeting(program)
    now = now or timezone.now()
    if not is_over(program, now=now):
        raise ValidationError(_("The survey goes out after the meeting."), code="too_early")
    if meeting.survey_sent_at is not None:
        raise ValidationError(_("The survey has already been sent."), code="duplicate")
    sent = 0
    for registration in survey_recipients(program):
        link = _site(reverse("exchanges:survey", args=[survey_token(registration)]))
        mail_send(
            to=registration.email,
            template="exchanges/mail/survey",
            language=registration.language,
            context={"name": registration.full_name, "program": program, "link": link},
        )
        sent += 1
    meeting.survey_sent_at = now
    meeting.save(update_fields=["survey_sent_at", "updated_at"])
    audit_log(action="exchanges.survey.sent", actor=actor, target=program, data={"sent": sent})
    return sent


@transaction.atomic
def survey_respond(
    *,
    registration: Registration,
    satisfaction: int,
    met_other_generations: bool,
    new_contacts: bool,
    comment: str = "",
) -> SurveyResponse:
    """An attendee answers once per link; the answer keeps no name."""
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    if SurveyResponse.objects.filter(registration=registration).exists():
        raise ValidationError(_("This survey has already been answered. Thank you."), code="duplicate")
    if not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": [_("Choose from 1 to 5.")]})
    response = SurveyResponse.objects.create(
        program_id=registration.program_id,
        registration=registration,
        satisfaction=satisfaction,
        met_other_generations=met_other_generations,
        new_contacts=new_contacts,
        comment=comment.strip()[:2000],
    )
    audit_log(action="exchanges.survey.answered", actor=None, target=response)
    return response


# Erasure ---------------------------------------------------------------------------------------


def exchanges_erase_for_deleted_account(*, user: User) -> int:
    """A deleted account is no longer named as who applied, registered, uploaded or asked; what it
    did for a group stays the group's (its name and contact address are the group's own data).
    Returns how many rows were changed."""
    return (
        Presentation.objects.filter(applied_by=user).update(applied_by=None)
        + Presentation.objects.filter(decided_by=user).update(decided_by=None)
        + FairTable.objects.filter(applied_by=user).update(applied_by=None)
        + GroupAttendance.objects.filter(registered_by=user).update(registered_by=None)
        + Material.objects.filter(uploaded_by=user).update(uploaded_by=None)
        + IntroductionRequest.objects.filter(requested_by=user).update(requested_by=None)
    )


def exchange_refusal(program: Program) -> str | None:
    """For the registrations app: individuals cannot apply for a meeting that only groups attend."""
    if program.kind != Program.Kind.EXCHANGE:
        return None
    if ExchangeMeeting.objects.filter(program=program, groups_only=True).exists():
        return _("Only members of registered groups attend this session: a group registers its members.")
    return None
