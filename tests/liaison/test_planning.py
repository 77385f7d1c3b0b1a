"""Clash detection (programs.planning), the staff editor's warning, and the planning calendar page."""

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from manabiba.accounts.services import department_contact_save
from manabiba.core.models import AuditEntry
from manabiba.programs.models import ClashAcknowledgement, Program
from manabiba.programs.planning import program_clashes
from manabiba.programs.services import SessionTimes, program_cancel
from tests.liaison.conftest import Town, at, programme
from tests.workspace.conftest import Office

pytestmark = pytest.mark.django_db


def _clashes(town: Town, *, day: Any, hour: int, audiences: list[Any] | None = None, area: Any = None) -> list[str]:
    found = program_clashes(
        area_id=(area or town.area).pk,
        audience_ids=[a.pk for a in (audiences if audiences is not None else [town.families])],
        sessions=[SessionTimes(starts_at=at(day, hour))],
    )
    return [c.program.title for c in found]


def test_a_plan_clashes_with_a_programme_in_the_same_area_audience_and_time_band_on_the_same_or_next_day(
    office: Office, town: Town
) -> None:
    programme(
        office.childcare, title="親子ひろば", starts_at=at(town.saturday, 10), area=town.area, audiences=[town.families]
    )
    assert _clashes(town, day=town.saturday, hour=11) == ["親子ひろば"]  # same morning
    assert _clashes(town, day=town.saturday + timedelta(days=1), hour=9) == ["親子ひろば"]  # next day
    assert _clashes(town, day=town.saturday - timedelta(days=1), hour=9) == ["親子ひろば"]  # the day before
    assert _clashes(town, day=town.saturday + timedelta(days=2), hour=10) == []  # two days later
    assert _clashes(town, day=town.saturday, hour=14) == []  # the afternoon
    assert _clashes(town, day=town.saturday, hour=10, audiences=[town.seniors]) == []  # other people
    assert _clashes(town, day=town.saturday, hour=10, area=town.other_area) == []  # another town
    assert _clashes(town, day=town.saturday, hour=10, audiences=[]) == []  # no audience: nothing to compare


def test_drafts_clash_but_cancelled_programmes_do_not(office: Office, town: Town, coordinator: Any) -> None:
    draft = programme(
        office.childcare, title="下書き", starts_at=at(town.saturday, 10), area=town.area, audiences=[town.families]
    )
    assert draft.status == Program.Status.DRAFT
    assert _clashes(town, day=town.saturday, hour=10) == ["下書き"]
    program_cancel(program=draft, actor=coordinator, reason="会場の都合")
    assert _clashes(town, day=town.saturday, hour=10) == []


def test_a_clash_names_the_other_departments_contacts(office: Office, town: Town, coordinator: Any) -> None:
    programme(
        office.childcare, title="親子ひろば", starts_at=at(town.saturday, 10), area=town.area, audiences=[town.families]
    )
    department_contact_save(
        department=office.childcare,
        actor=coordinator,
        user=office.childcare_staff,
        role_note="子育て支援係",
        phone="042-111-2222",
    )
    [clash] = program_clashes(
        area_id=town.area.pk, audience_ids=[town.families.pk], sessions=[SessionTimes(starts_at=at(town.saturday, 10))]
    )
    assert [c.user for c in clash.contacts] == [office.childcare_staff]
    assert [s.local_date for s in clash.sessions] == [town.saturday]


def _post_programme(client: Client, town: Town, *, title: str, day: Any, hour: int, url: str = "", **extra: str) -> Any:
    data = {
        "title": title,
        "kind": "event",
        "fee": "free",
        "application": "none",
        "venue_name": "保谷町公民館",
        "area": str(town.area.pk),
        "audiences": [str(town.families.pk)],
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "200",
        "sessions-0-date": day.isoformat(),
        "sessions-0-starts": f"{hour:02d}:00",
        "sessions-0-ends": f"{hour + 2:02d}:00",
        **extra,
    }
    return client.post(url or reverse("staff_programs:new"), data)


def test_the_editor_is_warned_before_saving_and_saves_with_an_acknowledged_note(
    client: Client, office: Office, town: Town, coordinator: Any
) -> None:
    other = programme(
        office.childcare, title="親子ひろば", starts_at=at(town.saturday, 10), area=town.area, audiences=[town.families]
    )
    department_contact_save(department=office.childcare, actor=coordinator, name="子育て 太郎", phone="042-111-2222")
    client.force_login(office.sports_staff)
    response = _post_programme(client, town, title="親子スポーツ教室", day=town.saturday, hour=10)
    assert response.status_code == 200  # not saved: the form again, with the warning
    page = response.content.decode()
    assert "親子ひろば" in page
    assert "子育て 太郎" in page
    assert "042-111-2222" in page
    assert not Program.objects.filter(title="親子スポーツ教室").exists()
    seen = str(other.pk)

    # Ticking without a note is not enough.
    response = _post_programme(
        client, town, title="親子スポーツ教室", day=town.saturday, hour=10, clash_seen=seen, clash_acknowledged="on"
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Program.objects.filter(title="親子スポーツ教室").exists()

    response = _post_programme(
        client,
        town,
        title="親子スポーツ教室",
        day=town.saturday,
        hour=10,
        clash_seen=seen,
        clash_acknowledged="on",
        clash_note="子育て支援課と電話で調整済み。対象年齢が違う。",
    )
    assert response.status_code == 302
    saved = Program.objects.get(title="親子スポーツ教室")
    [ack] = ClashAcknowledgement.objects.filter(program=saved)
    assert list(ack.others.all()) == [other]
    assert ack.acknowledged_by == office.sports_staff
    entry = AuditEntry.objects.get(action="programs.clash.acknowledged")
    assert entry.data["others"] == [other.pk]
    detail = client.get(response["Location"]).content.decode()
    assert "子育て支援課と電話で調整済み" in detail

    # Editing again with the same clash does not warn again: the note stands.
    edit = reverse("staff_programs:edit", args=[saved.pk])
    stored = {"sessions-INITIAL_FORMS": "1"}
    response = _post_programme(
        client, town, title="親子スポーツ教室（改）", day=town.saturday, hour=10, url=edit, **stored
    )
    assert response.status_code == 302
    assert ClashAcknowledgement.objects.filter(program=saved).count() == 1
    # A new clash (moved to the afternoon, where another programme is) warns again.
    programme(
        office.childcare,
        title="午後のひろば",
        starts_at=at(town.saturday, 14),
        area=town.area,
        audiences=[town.families],
    )
    response = _post_programme(
        client, town, title="親子スポーツ教室（改）", day=town.saturday, hour=14, url=edit, **stored
    )
    assert response.status_code == 200
    assert "午後のひろば" in response.content.decode()


def test_a_plan_without_clashes_saves_at_once(client: Client, office: Office, town: Town) -> None:
    programme(
        office.childcare, title="親子ひろば", starts_at=at(town.saturday, 10), area=town.area, audiences=[town.families]
    )
    client.force_login(office.sports_staff)
    response = _post_programme(client, town, title="午後の教室", day=town.saturday, hour=14)
    assert response.status_code == 302
    assert not ClashAcknowledgement.objects.exists()


def test_a_group_organiser_is_not_shown_other_departments_drafts(
    client: Client, make_persona: Any, office: Office, town: Town
) -> None:
    from manabiba.accounts.roles import Role

    programme(
        office.childcare,
        title="内部の下書き",
        starts_at=at(town.saturday, 10),
        area=town.area,
        audiences=[town.families],
    )
    organiser = make_persona(Role.GROUP_ORGANISER, email="group@example.jp", full_name="団体 代表")
    client.force_login(organiser)
    response = _post_programme(client, town, title="団体の催し", day=town.saturday, hour=10)
    assert response.status_code == 302
    assert "内部の下書き" not in client.get(response["Location"]).content.decode()


def test_the_planning_calendar_shows_every_departments_programmes_and_the_clashes(
    client: Client, office: Office, town: Town
) -> None:
    programme(
        office.childcare, title="親子ひろば", starts_at=at(town.saturday, 10), area=town.area, audiences=[town.families]
    )
    programme(
        office.sports, title="親子スポーツ", starts_at=at(town.saturday, 10), area=town.area, audiences=[town.families]
    )
    programme(
        office.sports, title="シニア体操", starts_at=at(town.saturday, 10), area=town.area, audiences=[town.seniors]
    )
    client.force_login(office.sports_staff)
    url = reverse("staff_liaison:calendar")
    month = f"{town.saturday:%Y-%m}"
    page = client.get(url, {"month": month}).content.decode()
    assert "親子ひろば" in page
    assert "親子スポーツ" in page
    assert "シニア体操" in page
    assert page.count('data-row="clash"') == 1
    # Filtered to the sports department: its clash with childcare is still listed; childcare's
    # programme is not in the grid.
    page = client.get(url, {"month": month, "department": office.sports.pk}).content.decode()
    assert page.count('data-row="clash"') == 1
    grid = page.split('id="clashes"')[0]
    assert "親子スポーツ" in grid
    assert "親子ひろば" not in grid
    # Filtered to seniors: no clash involves them.
    page = client.get(url, {"month": month, "audience": town.seniors.pk}).content.decode()
    assert 'data-row="clash"' not in page
    # A bad filter is ignored, the page still answers.
    assert client.get(url, {"month": "2026-13", "area": "x"}).status_code == 200


def test_the_calendar_without_filters_says_which_month_it_shows_and_that_every_value_is_taken(
    client: Client, office: Office
) -> None:
    client.force_login(office.sports_staff)
    page = client.get(reverse("staff_liaison:calendar")).content.decode()
    today = timezone.localdate()
    assert f'value="{today:%Y-%m}"' in page
    assert page.count('<option value="" selected>すべて</option>') == 3


@pytest.mark.parametrize("role", ["resident", "desk_staff", "group_organiser"])
def test_the_planning_calendar_is_for_planning_staff_only(client: Client, personas: Any, role: str) -> None:
    from manabiba.accounts.roles import Role

    client.force_login(personas[Role(role)])
    assert client.get(reverse("staff_liaison:calendar")).status_code in {302, 403}


PLANNING_QUERIES = 12


def test_the_planning_calendar_costs_the_same_number_of_queries_whatever_the_data(
    client: Client, office: Office, town: Town, coordinator: Any, django_assert_num_queries: Any, time_machine: Any
) -> None:
    client.force_login(coordinator)
    url = reverse("staff_liaison:calendar")
    params = {"month": f"{town.saturday:%Y-%m}"}

    def build(n: int) -> None:
        for i in range(n):
            for department in (office.sports, office.childcare):
                department_contact_save(department=department, actor=coordinator, name=f"担当{i}")
                p = programme(
                    department,
                    title=f"{department.name}{i}",
                    starts_at=at(town.saturday + timedelta(days=i % 3), 10),
                    area=town.area,
                    audiences=[town.families, town.seniors],
                )
                ClashAcknowledgement.objects.create(program=p, note="調整済み")

    # The user, roles and permissions (2); the sessions with programme, organiser, department and area,
    # their audiences, acknowledgements and the programmes these cover, the contacts; the filters'
    # departments, areas and audiences (and the session when it is kept in the database).
    queries = PLANNING_QUERIES + (1 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db" else 0)
    time_machine.move_to(timezone.now(), tick=False)  # the footer's "desk open now" stays cached
    build(1)
    client.get(url, params)
    with django_assert_num_queries(queries):
        assert client.get(url, params).status_code == 200
    build(6)
    with django_assert_num_queries(queries):
        assert client.get(url, params).status_code == 200
