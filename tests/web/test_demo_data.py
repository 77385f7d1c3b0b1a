from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts.factories import DEFAULT_PASSWORD
from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.consultations.models import Consultation
from manabiba.core.figures import FigureFilter, fiscal_year_of, report
from manabiba.core.holidays import is_day_off
from manabiba.facilities.models import Facility, Room
from manabiba.programs.models import Audience, Organizer, Program
from manabiba.registrations.models import ParticipationFigure, Registration
from manabiba.web.demo import BENCH_DOMAIN, DEMO_TITLES, demo_email
from manabiba.web.demo_scale import SCALE_SOURCE, demo_city_generate

pytestmark = pytest.mark.django_db


def seed_demo(*args: str) -> str:
    # Programmes are seeded (and tested) once below; the rest of the tests need people and rooms.
    out = StringIO()
    call_command("seed_demo", "--without-programmes", *args, stdout=out)
    return out.getvalue()


def test_the_full_demo_is_this_citys_catalogue_with_upcoming_programmes_from_its_open_data(
    settings: SettingsWrapper,
) -> None:
    import re

    from django.utils import timezone

    from manabiba.programs.models import Program

    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    published = Program.objects.filter(status=Program.Status.PUBLISHED)
    imported = published.filter(source__startswith="opendata:")
    # Only 西東京市's own events (code 132292): neighbouring cities' files are skipped row by row.
    assert imported.count() > 30
    assert set(imported.values_list("source", flat=True)) == {"opendata:132292"}
    # The report says why (in the language the command runs in).
    assert "この市のものではない" in out.getvalue() or "not of this city" in out.getvalue()
    assert published.filter(last_ends_at__gte=timezone.now()).count() > 60
    titles = list(published.values_list("title", flat=True))
    # Dates were moved to come up, so no title may name a year (令和3年度) or carry a counter "(24)".
    assert not [title for title in titles if re.search(r"令和\s*\d+\s*年|平成\s*\d+\s*年|20\d\d年", title)]
    assert not [title for title in titles if re.search(r"[(（]\d+[)）]$", title)]
    generated = list(published.filter(source="demo").values_list("title", flat=True))
    assert len(generated) == len(set(generated)) >= 40
    # Residents see every demo programme at one of the city's places, never the factory's test venue.
    assert not published.filter(venue_name__contains="テスト").exists()
    # A title that says when is held then: the evening yoga after work, stargazing after dark, and
    # what children come to on a day off, not in school hours.
    held = {
        program.title: [timezone.localtime(session.starts_at) for session in program.sessions.all()]
        for program in published.filter(source="demo").prefetch_related("sessions")
    }
    assert all(start.hour >= 18 and start.weekday() < 5 for start in held["夜のやさしいヨガ"])
    assert all(start.hour >= 18 for start in held["親子で星空観察会"])
    for title in ("小学生のプログラミング体験", "親子でチャレンジ 卓球教室"):
        assert all(is_day_off(start.date()) for start in held[title]), title
    # Who a programme is for and who runs it fit its title, and between them the demo has every
    # audience and every kind of organiser, so that no facet value is empty.
    demo = {program.title: program for program in published.filter(source="demo").select_related("organizer")}
    assert list(demo["シニアのためのスマートフォン教室"].audiences.values_list("name", flat=True)) == ["高齢者"]
    assert list(demo["男性のための料理教室"].audiences.values_list("name", flat=True)) == ["男性"]
    assert demo["小学生のプログラミング体験"].organizer.kind == "school"
    assert demo["シニアのためのスマートフォン教室"].capacity <= 15  # 「少人数で」
    assert set(Audience.objects.values_list("name", flat=True)) == set(
        Audience.objects.filter(programs__source="demo").values_list("name", flat=True)
    )
    assert {program.organizer.kind for program in demo.values()} == set(Organizer.Kind.values)
    # Each programme is run by the department, group or lecturer its spec names (a stargazing evening
    # by stargazers, not by a yoga circle).
    named = {spec.title: spec.organizer_name for specs in DEMO_TITLES.values() for spec in specs if spec.organizer_name}
    assert {title: demo[title].organizer.name for title in named} == named
    # A course meets several times and its places are applied for.
    assert not [p.title for p in demo.values() if p.kind == "course" and p.application == "none"]


def test_seeding_twice_gives_the_same_people_and_rooms(settings: SettingsWrapper) -> None:
    settings.DEBUG = True

    first = seed_demo()
    users = sorted(User.objects.values_list("email", "full_name", "password"))
    rooms = sorted(Room.objects.values_list("facility__name", "name", "capacity"))
    second = seed_demo()

    assert sorted(User.objects.values_list("email", "full_name", "password")) == users
    assert sorted(Room.objects.values_list("facility__name", "name", "capacity")) == rooms
    assert len(users) == len(Role)
    assert "rooms: 0 created" in second
    assert "coordinator@demo.manabiba.jp" in first
    assert "coordinator@demo.manabiba.jp" in second


@pytest.mark.parametrize("role", list(Role))
def test_every_demo_login_signs_in_with_its_role(settings: SettingsWrapper, role: Role) -> None:
    settings.DEBUG = True
    output = seed_demo()

    user = authenticate(email=demo_email(role), password=DEFAULT_PASSWORD)

    assert isinstance(user, User)
    assert role in user.role_set
    assert demo_email(role) in output
    assert user.is_superuser == (role == Role.ADMINISTRATOR)
    if role == Role.DEPARTMENT_STAFF:
        assert user.department is not None


def test_learning_facilities_get_rooms_with_capacities(settings: SettingsWrapper) -> None:
    settings.DEBUG = True
    seed_demo()

    for facility in Facility.objects.all():
        rooms = list(facility.rooms.all())
        if facility.kind in {Facility.Kind.OTHER, Facility.Kind.CENTER, Facility.Kind.COMMUNITY_CENTER}:
            assert rooms == []
        else:
            assert len(rooms) >= 2, facility.name
            assert all(room.capacity and room.capacity > 0 for room in rooms)


def test_seeding_refuses_without_debug_because_the_passwords_are_public(settings: SettingsWrapper) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed_demo("--scale", "1")

    assert not User.objects.exists()


def test_scale_adds_deterministic_residents_once_when_forced(settings: SettingsWrapper) -> None:
    settings.DEBUG = False

    output = seed_demo("--scale", "1", "--force")
    residents = list(User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").values_list("email", "full_name"))
    again = seed_demo("--scale", "1", "--force")
    User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
    seed_demo("--scale", "1", "--force")

    assert "benchmark residents: 1000 created" in output
    assert "benchmark residents: 0 created" in again
    assert len(residents) == 1000
    assert residents[0][0] == f"resident000001@{BENCH_DOMAIN}"
    assert list(User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").values_list("email", "full_name")) == residents
    assert authenticate(email=f"resident000500@{BENCH_DOMAIN}", password=DEFAULT_PASSWORD) is not None


def test_scale_generates_five_fiscal_years_in_proportion_which_the_report_counts(settings: SettingsWrapper) -> None:
    settings.DEBUG = False
    seed_demo("--scale", "2", "--force")  # the people; the years come with the programmes
    today = timezone.localdate()
    current = fiscal_year_of(today)

    lines = demo_city_generate(scale=2, today=today)

    # 2/200 of the city: 30 programmes, 600 registrations and 50 consultations a year, five years.
    assert len(lines) == 5
    scaled = Program.objects.filter(source=SCALE_SOURCE)
    assert scaled.count() == 150
    assert Registration.objects.count() == 1200  # the two latest years keep their registrations
    assert ParticipationFigure.objects.count() == 1800  # the three older ones are as the purge left them
    assert Consultation.objects.count() == 250
    with translation.override("en"):
        kept = report(current.previous(), FigureFilter())
        assert kept == report(current.previous(), FigureFilter(), kept=False)
    totals = {
        row.label: row.values for s in kept for f in s.figures if f.key == "participants.totals" for row in f.rows
    }
    assert totals["Applications"] == (600, 600)  # last year's and the year before's, side by side
    assert demo_city_generate(scale=2, today=today) == ["city-scale years: already there"]
