"""Writes for schools: the school calendar, 学校開放 rules, community learning projects and volunteers.

School staff (the facility-staff role, on the school's ``Facility.staff``) act for their own school
only; coordinators for every school. Each write is audited (``venues.school_*``, ``venues.project.*``,
``venues.volunteer.*``).
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from manabiba.accounts.models import User
from manabiba.core.audit import audit_log
from manabiba.core.dates import day_in_range, out_of_range_message
from manabiba.core.mail import mail_send
from manabiba.facilities.models import Facility
from manabiba.programs import services as program_services
from manabiba.programs.models import Category, Organizer, Program
from manabiba.talents.models import TalentProfile
from manabiba.venues.models import ProjectVolunteer, SchoolBlock, SchoolOpeningRules, SchoolProject
from manabiba.venues.permissions import Person, can_manage_school
from manabiba.venues.selectors import at


def _require_school(actor: Person | None, school: Facility) -> User:
    if actor is None or not isinstance(actor, User) or not can_manage_school(actor, school):
        raise PermissionDenied("venues.manage_school")
    return actor


# --- the school calendar ------------------------------------------------------------------------------


@transaction.atomic
def school_block_set(*, actor: Person | None, school: Facility, day: date, event: str) -> SchoolBlock:
    """Block ``day`` for a school event: the school's open rooms show 休館 with the event and cannot be
    booked. Bookings already made are kept and listed for staff to settle with the groups."""
    staff = _require_school(actor, school)
    if not event.strip():
        raise ValidationError({"event": _("Name the school event, such as 運動会.")})
    if not day_in_range(day):
        raise ValidationError({"day": out_of_range_message()})
    block, created = SchoolBlock.objects.update_or_create(
        school=school, day=day, defaults={"event": event.strip()[:100], "created_by": staff}
    )
    audit_log(
        action="venues.school_block.set",
        actor=staff,
        target=block,
        data={"day": day.isoformat(), "event": block.event, "created": created},
    )
    return block


@transaction.atomic
def school_block_remove(*, actor: Person | None, block: SchoolBlock) -> None:
    staff = _require_school(actor, block.school)
    audit_log(action="venues.school_block.removed", actor=staff, target=block, data={"day": block.day.isoformat()})
    block.delete()


# --- 学校開放 rules -----------------------------------------------------------------------------------


@transaction.atomic
def school_rules_set(
    *,
    actor: Person | None,
    school: Facility,
    min_members: int,
    min_city_percent: int,
    adult_representative_for_minors: bool,
) -> SchoolOpeningRules:
    staff = _require_school(actor, school)
    errors = {}
    if min_members < 1:
        errors["min_members"] = _("A group has at least one member.")
    if not 0 <= min_city_percent <= 100:
        errors["min_city_percent"] = _("Give a percentage from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    rules, _created = SchoolOpeningRules.objects.update_or_create(
        school=school,
        defaults={
            "min_members": min_members,
            "min_city_percent": min_city_percent,
            "adult_representative_for_minors": adult_representative_for_minors,
        },
    )
    audit_log(
        action="venues.school_rules.set",
        actor=staff,
        target=rules,
        data={
            "min_members": min_members,
            "min_city_percent": min_city_percent,
            "adult_representative_for_minors": adult_representative_for_minors,
        },
    )
    return rules


# --- projects ----------------------------------------------------------------------------------------

PROJECT_FIELDS = frozenset(
    {"kind", "title", "description", "first_day", "last_day", "schedule", "helpers_needed", "skills", "audience"}
    | {"details_for_volunteers"}
)


def _check_project(fields: dict[str, Any]) -> None:
    errors = {}
    if fields["last_day"] < fields["first_day"]:
        errors["last_day"] = _("The last day cannot be before the first.")
    elif not day_in_range(fields["first_day"]) or not day_in_range(fields["last_day"]):
        errors["first_day"] = out_of_range_message()
    for name in ("title", "description", "schedule", "audience"):
        if not str(fields.get(name, "")).strip():
            errors[name] = _("This field is required.")
    if errors:
        raise ValidationError(errors)


def _lecture_sessions(first_day: date, last_day: date, starts: time, ends: time) -> list[program_services.SessionTimes]:
    """An open lecture meets weekly, on the weekday of its first day, until its last day."""
    sessions = []
    day = first_day
    while day <= last_day:
        sessions.append(program_services.SessionTimes(starts_at=at(day, starts), ends_at=at(day, ends)))
        day += timedelta(days=7)
    return sessions


def _school_organizer(school: Facility) -> Organizer:
    return program_services.organizer_get_or_create(kind=Organizer.Kind.SCHOOL, name=school.name, facility=school)


@transaction.atomic
def school_project_create(
    *,
    actor: Person | None,
    school: Facility,
    categories: list[Category] | None = None,
    lecture_starts: time | None = None,
    lecture_ends: time | None = None,
    capacity: int | None = None,
    **fields: Any,
) -> SchoolProject:
    """Post a school's project. An open lecture is also published in the catalogue as a programme
    organised by the school, meeting weekly from its first day to its last at the times given."""
    staff = _require_school(actor, school)
    unknown = set(fields) - PROJECT_FIELDS
    if unknown:
        raise ValueError(f"Not project fields: {sorted(unknown)}")
    _check_project(fields)
    program = None
    if fields["kind"] == SchoolProject.Kind.OPEN_LECTURE:
        if lecture_starts is None or lecture_ends is None or lecture_ends <= lecture_starts:
            raise ValidationError({"lecture_starts": _("Give the lecture's start and end times.")})
        # The school's own check is above; the catalogue records the creation as the system's, as a
        # citizen-proposal lecture's is, and publishes it at once: it is the school's own programme.
        program = program_services.program_create(
            actor=None,
            organizer=_school_organizer(school),
            sessions=_lecture_sessions(fields["first_day"], fields["last_day"], lecture_starts, lecture_ends),
            categories=categories or [],
            title=fields["title"].strip(),
            summary=fields["description"].strip()[:300],
            description=fields["description"].strip(),
            kind=Program.Kind.COURSE if fields["last_day"] > fields["first_day"] else Program.Kind.EVENT,
            facility=school,
            capacity=capacity,
            application=Program.Application.NONE,
            contact_name=school.name,
            contact_phone=school.phone,
        )
        program.created_by = staff
        program.save(update_fields=["created_by"])
        program = program_services.program_publish(program=program, actor=None)
    project = SchoolProject.objects.create(
        school=school,
        created_by=staff,
        program=program,
        **{name: value.strip() if isinstance(value, str) else value for name, value in fields.items()},
    )
    project.categories.set(categories or [])
    audit_log(
        action="venues.project.created",
        actor=staff,
        target=project,
        data={"school": school.pk, "kind": project.kind, "program": program.pk if program else None},
    )
    return project


@transaction.atomic
def school_project_close(*, actor: Person | None, project: SchoolProject) -> SchoolProject:
    """Stop taking volunteers (the project goes on with those accepted)."""
    staff = _require_school(actor, project.school)
    project.status = SchoolProject.Status.CLOSED
    project.save(update_fields=["status", "updated_at"])
    audit_log(action="venues.project.closed", actor=staff, target=project, data={})
    return project


# --- volunteers --------------------------------------------------------------------------------------


def _volunteer_mail(volunteer: ProjectVolunteer, template: str) -> None:
    user = volunteer.user
    if user is None or not user.email:
        return
    mail_send(
        to=user.email,
        template=f"venues/mail/{template}",
        language=user.language,
        context={
            "name": volunteer.name,
            "volunteer": volunteer,
            "project": volunteer.project,
            "school": volunteer.project.school,
            "link": settings.SITE_URL + reverse("venues:project", args=[volunteer.project.pk]),
        },
    )


@transaction.atomic
def project_volunteer_offer(
    *,
    actor: Person | None,
    project: SchoolProject,
    name: str,
    message: str,
    phone: str = "",
    offered_as: str = ProjectVolunteer.As.RESIDENT,
    group_name: str = "",
    talent: TalentProfile | None = None,
    today: date | None = None,
) -> ProjectVolunteer:
    """A resident offers to help, for themself, for a group or as a talent-bank member; the school
    answers. One offer per person and project while it is waiting or accepted."""
    if actor is None or not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied("login")
    today = today or timezone.localdate()
    locked = SchoolProject.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if locked.status != SchoolProject.Status.OPEN or locked.last_day < today:
        raise ValidationError(_("This project is no longer taking volunteers."))
    errors = {}
    if not name.strip():
        errors["name"] = _("Give your name, so that the school knows whom to expect.")
    if not message.strip():
        errors["message"] = _("Tell the school what you can do.")
    if offered_as not in ProjectVolunteer.As.values:
        errors["offered_as"] = _("Choose how you offer to help.")
    elif offered_as == ProjectVolunteer.As.GROUP and not group_name.strip():
        errors["group_name"] = _("Give the group's name.")
    elif offered_as == ProjectVolunteer.As.TALENT and (talent is None or talent.user_id != actor.pk):
        errors["talent"] = _("Choose one of your talent cards.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            volunteer = ProjectVolunteer.objects.create(
                project=locked,
                user=actor,
                offered_as=offered_as,
                group_name=group_name.strip()[:200] if offered_as == ProjectVolunteer.As.GROUP else "",
                talent=talent if offered_as == ProjectVolunteer.As.TALENT else None,
                name=name.strip()[:100],
                phone=phone.strip()[:30],
                message=message.strip()[:2000],
            )
    except IntegrityError as error:
        raise ValidationError(_("You have already offered to help with this project.")) from error
    audit_log(
        action="venues.volunteer.offered", actor=actor, target=volunteer, data={"project": locked.pk, "as": offered_as}
    )
    _volunteer_mail(volunteer, "volunteer_offered")
    return volunteer


@transaction.atomic
def project_volunteer_answer(
    *, actor: Person | None, volunteer: ProjectVolunteer, accept: bool, now: datetime | None = None
) -> ProjectVolunteer:
    """The school accepts or declines an offer; an accepted volunteer is mailed the project's details."""
    staff = _require_school(actor, volunteer.project.school)
    locked = (
        ProjectVolunteer.objects.select_for_update(of=("self",))
        .select_related("project__school", "user")
        .get(pk=volunteer.pk)
    )
    if locked.status != ProjectVolunteer.Status.OFFERED:
        raise ValidationError(_("This offer has already been answered or withdrawn."))
    locked.status = ProjectVolunteer.Status.ACCEPTED if accept else ProjectVolunteer.Status.DECLINED
    locked.answered_at = now or timezone.now()
    locked.answered_by = staff
    locked.save(update_fields=["status", "answered_at", "answered_by", "updated_at"])
    audit_log(
        action="venues.volunteer.accepted" if accept else "venues.volunteer.declined",
        actor=staff,
        target=locked,
        data={"project": locked.project_id},
    )
    _volunteer_mail(locked, "volunteer_accepted" if accept else "volunteer_declined")
    return locked


@transaction.atomic
def project_volunteer_withdraw(*, actor: Person | None, volunteer: ProjectVolunteer) -> ProjectVolunteer:
    if actor is None or not actor.is_authenticated or volunteer.user_id != actor.pk:
        raise PermissionDenied("venues.volunteer.withdraw")
    updated = ProjectVolunteer.objects.filter(
        pk=volunteer.pk, status__in=[ProjectVolunteer.Status.OFFERED, ProjectVolunteer.Status.ACCEPTED]
    ).update(status=ProjectVolunteer.Status.WITHDRAWN, updated_at=timezone.now())
    volunteer.refresh_from_db()
    if updated:
        audit_log(action="venues.volunteer.withdrawn", actor=actor, target=volunteer, data={})
    return volunteer


def schools_erase_for_deleted_account(*, user: User) -> int:
    """A deleted account's offers to help lose the person's name, phone and message (a waiting offer is
    withdrawn); the school keeps that someone helped, for its records. Returns how many were scrubbed."""
    offers = ProjectVolunteer.objects.filter(user=user)
    offers.filter(status=ProjectVolunteer.Status.OFFERED).update(status=ProjectVolunteer.Status.WITHDRAWN)
    scrubbed = offers.update(user=None, name="", phone="", message="", group_name="", talent=None)
    if scrubbed:
        audit_log(action="venues.volunteer.erased", actor=None, data={"offers": scrubbed})
    return scrubbed
