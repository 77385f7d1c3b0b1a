"""Programmes that staff wrote before `author_organizer` existed go out under their department.

Until then a member of staff without a department (facility staff, a coordinator or administrator
with none set) wrote as a citizen lecturer: the programme's organiser was a ``citizen`` organiser
named after the person, and the public page read "<name> (市民講師)". New programmes follow
``programs.selectors.author_organizer``; this migration applies the same rule to the programmes
already written: a programme whose organiser is a citizen organiser standing for a member of staff
(a person holding a role with ``programs.publish_own``, or a superuser), and which that person
wrote themself, and which is not a citizen-proposal lecture (a member of staff may propose a
lecture as a resident), moves to the organiser of the person's department, else of the first
facility they staff (a school as a school), else of the city. Each move is written to the audit
log and the programme's search entry is rebuilt, so the person's name is no longer found.

The citizen organiser itself is left in place (talent lectures or other records may point at it);
with no programmes it appears nowhere on the site.

Reverse is a no-op: the old organiser was the defect, and after the move a programme fixed here
cannot be told from one correctly written under the department since, so undoing it would put
people's names back on programmes that were never theirs to organise. Safe on an empty database.
"""

from typing import Any

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from manabiba.accounts.permissions import roles_with

CITIZEN = "citizen"
DEPARTMENT = "department"
SCHOOL = "school"
SCHOOL_KINDS = frozenset({"school_elementary", "school_junior_high"})
INDEXED = ("published", "finished")
SEARCH_KIND = "programs.program"


def _target(apps: Apps, user: Any) -> dict[str, Any]:
    """``author_organizer`` for a member of staff, on the models of this migration's state."""
    facility_model = apps.get_model("facilities", "Facility")
    if user.department_id is not None:
        department = user.department
        return {"kind": DEPARTMENT, "name": str(department.name), "department": department}
    facility = facility_model.objects.filter(staff=user).order_by("name").first()
    if facility is not None:
        kind = SCHOOL if facility.kind in SCHOOL_KINDS else DEPARTMENT
        return {"kind": kind, "name": facility.name, "facility": facility}
    return {"kind": DEPARTMENT, "name": str(settings.CITY_NAME)}


def _reindex(apps: Apps, program: Any) -> None:
    """The programme's search entry with its new organiser (as ``services.program_search_document``)."""
    from manabiba.core.japanese import bigrams, index_terms

    entry_model = apps.get_model("core", "SearchEntry")
    title = " ".join(filter(None, [program.title, program.title_kana, program.title_en]))
    body = " ".join(
        filter(
            None,
            [
                program.summary,
                program.description,
                program.easy_summary,
                program.organizer.name,
                " ".join(c.minor or c.major for c in program.categories.all()),
                " ".join(a.name for a in program.audiences.all()),
            ],
        )
    )
    entry_model.objects.filter(kind=SEARCH_KIND, object_id=program.pk).update(
        body_terms=" ".join(index_terms(body)), bigrams=" ".join(bigrams(title) + bigrams(body))
    )


def staff_programs_organiser_fix(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None) -> int:
    """Move staff-written programmes off citizen organisers named after staff; returns how many moved."""
    organizer_model = apps.get_model("programs", "Organizer")
    program_model = apps.get_model("programs", "Program")
    user_model = apps.get_model("accounts", "User")
    audit_model = apps.get_model("core", "AuditEntry")
    staff_roles = sorted(str(role) for role in roles_with("programs.publish_own"))
    staff_ids = set(
        user_model.objects.filter(role_grants__role__in=staff_roles).values_list("pk", flat=True)
    ) | set(user_model.objects.filter(is_superuser=True).values_list("pk", flat=True))
    if not staff_ids:
        return 0
    moved = 0
    citizens = organizer_model.objects.filter(kind=CITIZEN, user_id__in=staff_ids).select_related("user")
    for citizen in citizens.order_by("pk"):
        programs = program_model.objects.filter(
            organizer=citizen, created_by_id=citizen.user_id, citizen_proposal=False
        ).order_by("pk")
        if not programs.exists():
            continue
        spec = _target(apps, citizen.user)
        target, _created = organizer_model.objects.get_or_create(
            kind=spec["kind"],
            name=spec["name"].strip(),
            defaults={"department": spec.get("department"), "facility": spec.get("facility")},
        )
        for program in programs:
            program_model.objects.filter(pk=program.pk).update(organizer=target)
            audit_model.objects.create(
                action="programs.program.organizer_fixed",
                target_type="programs.program",
                target_id=str(program.pk),
                data={"from": citizen.pk, "to": target.pk, "name": target.name},
            )
            if program.status in INDEXED:
                _reindex(apps, program_model.objects.select_related("organizer").get(pk=program.pk))
            moved += 1
    if moved:
        print(f"\n  programs: {moved} programme(s) written by staff now go out under their department.")  # noqa: T201
    return moved


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    staff_programs_organiser_fix(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0007_program_easy_summary"),
        ("accounts", "0008_department_contacts"),
        ("facilities", "0002_room_booking"),
        ("core", "0006_area_english_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
