"""Reads for schools: their calendars, 学校開放 rules, community learning projects and volunteers."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from manabiba.accounts.models import User
from manabiba.accounts.permissions import has_permission
from manabiba.accounts.selectors import personal_rows
from manabiba.facilities.models import Facility
from manabiba.talents.models import TalentProfile
from manabiba.talents.selectors import listed_talents
from manabiba.venues.models import ProjectVolunteer, SchoolBlock, SchoolOpeningRules, SchoolProject, UserGroup
from manabiba.venues.permissions import Person

SUGGESTED_TALENTS = 8


def schools() -> QuerySet[Facility]:
    return Facility.objects.filter(
        kind__in=[Facility.Kind.SCHOOL_ELEMENTARY, Facility.Kind.SCHOOL_JUNIOR_HIGH]
    ).order_by("kind", "kana", "name")


def schools_managed_by(user: Person) -> list[Facility]:
    """The schools ``user`` runs: school staff their own (``Facility.staff``), coordinators every one."""
    if has_permission(user, "venues.manage_all_facilities"):
        return list(schools())
    if has_permission(user, "venues.manage_facility"):
        return list(schools().filter(staff=user.pk))
    return []


def school_blocks(school: Facility, *, first: date | None = None) -> QuerySet[SchoolBlock]:
    blocks = SchoolBlock.objects.filter(school=school)
    if first is not None:
        blocks = blocks.filter(day__gte=first)
    return blocks.order_by("day")


# --- 学校開放 rules -----------------------------------------------------------------------------------


def school_rules(school: Facility) -> SchoolOpeningRules | None:
    """The school's rules; ``None`` for a facility that is not a school. A school whose staff have not
    set them yet has the usual ones (at least 10 members, at least half from the city, an adult
    representative for minors), unsaved."""
    if not school.is_school:
        return None
    found = SchoolOpeningRules.objects.filter(school=school).first()
    return found if found is not None else SchoolOpeningRules(school=school)


def school_rules_problems(group: UserGroup, school: Facility) -> list[str]:
    """Why ``group`` may not use ``school``'s open rooms under its 学校開放 rules, in the reader's
    language; empty when it may (or when the facility is not a school). Booking and applying for a
    school room both call this."""
    rules = school_rules(school)
    if rules is None:
        return []
    problems = []
    if group.members_count < rules.min_members:
        problems.append(
            gettext("The school's rooms are open to groups of at least %(min)s members; the group has %(count)s.")
            % {"min": rules.min_members, "count": group.members_count}
        )
    if group.members_in_city * 100 < rules.min_city_percent * max(group.members_count, 1):
        problems.append(
            gettext(
                "At least %(percent)s%% of the members must live, work or study in the city; the group has "
                "%(in_city)s of %(count)s."
            )
            % {"percent": rules.min_city_percent, "in_city": group.members_in_city, "count": group.members_count}
        )
    if rules.adult_representative_for_minors and group.has_minor_members and not group.representative_is_adult:
        problems.append(gettext("A group with members under 18 needs a representative who is 18 or older."))
    return problems


# --- projects ----------------------------------------------------------------------------------------


def _projects() -> QuerySet[SchoolProject]:
    return SchoolProject.objects.select_related("school", "program").prefetch_related("categories")


def projects_open(*, today: date) -> QuerySet[SchoolProject]:
    """Projects still taking volunteers, for residents: open and not over."""
    return (
        _projects()
        .filter(status=SchoolProject.Status.OPEN, last_day__gte=today)
        .annotate(accepted=Count("volunteers", filter=Q(volunteers__status=ProjectVolunteer.Status.ACCEPTED)))
        .order_by("first_day", "id")
    )


def project_get(project_id: int) -> SchoolProject | None:
    return _projects().filter(pk=project_id).first()


def projects_of_school(school: Facility) -> QuerySet[SchoolProject]:
    return (
        _projects()
        .filter(school=school)
        .annotate(
            offered=Count("volunteers", filter=Q(volunteers__status=ProjectVolunteer.Status.OFFERED)),
            accepted=Count("volunteers", filter=Q(volunteers__status=ProjectVolunteer.Status.ACCEPTED)),
        )
        .order_by("-first_day", "id")
    )


def project_volunteers(project: SchoolProject) -> QuerySet[ProjectVolunteer]:
    return project.volunteers.select_related("user", "talent").order_by("status", "created_at")


def accepted_count(project: SchoolProject) -> int:
    return project.volunteers.filter(status=ProjectVolunteer.Status.ACCEPTED).count()


def volunteering_of(user: User) -> QuerySet[ProjectVolunteer]:
    return ProjectVolunteer.objects.filter(user=user).select_related("project__school").order_by("-created_at")


def volunteer_offer_of(user: Person, project: SchoolProject) -> ProjectVolunteer | None:
    if not user.is_authenticated:
        return None
    return (
        project.volunteers.filter(
            user_id=user.pk, status__in=[ProjectVolunteer.Status.OFFERED, ProjectVolunteer.Status.ACCEPTED]
        )
        .order_by("-created_at")
        .first()
    )


def volunteers_to_answer_q(user: Person) -> Q | None:
    """The offers ``user`` answers, as a filter on ``ProjectVolunteer``; ``None`` for nobody's."""
    managed = schools_managed_by(user)
    if not managed:
        return None
    return Q(status=ProjectVolunteer.Status.OFFERED, project__school__in=managed)


def offers_to_answer(answer: Q) -> QuerySet[ProjectVolunteer]:
    """The offers a ``volunteers_to_answer_q`` filter selects, oldest first, with their projects."""
    return ProjectVolunteer.objects.filter(answer).select_related("project__school").order_by("created_at")


@dataclass(frozen=True)
class TalentSuggestion:
    talent: TalentProfile
    reasons: list[str]


def project_talent_suggestions(project: SchoolProject) -> list[TalentSuggestion]:
    """Talent-bank members the school might ask: listed cards in one of the project's fields, or whose
    "what you can teach" names one of the skills wanted. Best matches (both) first."""
    category_ids = [category.pk for category in project.categories.all()]
    words = [word for word in project.skills.replace("、", ",").replace("，", ",").split(",") if word.strip()]
    query = Q(categories__in=category_ids) if category_ids else Q(pk__in=[])
    for word in words:
        query |= Q(teaches__icontains=word.strip())
    found = listed_talents().filter(query).distinct().prefetch_related("categories")[: SUGGESTED_TALENTS * 3]
    suggestions = []
    for talent in found:
        reasons = []
        shared = [str(category) for category in talent.categories.all() if category.pk in category_ids]
        if shared:
            reasons.append(gettext("Field: %(fields)s") % {"fields": "、".join(shared)})
        skills = [word.strip() for word in words if word.strip().casefold() in talent.teaches.casefold()]
        if skills:
            reasons.append(gettext("Teaches: %(skills)s") % {"skills": "、".join(skills)})
        suggestions.append(TalentSuggestion(talent, reasons))
    suggestions.sort(key=lambda suggestion: -len(suggestion.reasons))
    return suggestions[:SUGGESTED_TALENTS]


def schools_export(user: User) -> list[dict[str, Any]]:
    """The person's offers to help with school projects, for their download."""
    offers = (
        ProjectVolunteer.objects.filter(user=user)
        .select_related("project__school", "talent")
        .order_by("created_at", "pk")
    )
    fields: tuple[str | tuple[str, str], ...] = (
        ("project", "project__title"),
        ("school", "project__school__name"),
        "offered_as",
        "group_name",
        ("talent_card", "talent__name"),
        "name",
        "phone",
        "message",
        "status",
        ("offered_at", "created_at"),
        "answered_at",
    )
    return personal_rows(offers, fields)
