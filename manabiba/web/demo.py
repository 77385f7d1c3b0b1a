"""Demo data for development and benchmarks, built on the apps' factories.

Everything here is deterministic: fixed names at scale 1 and a seeded Faker for the bulk
residents, so a second run finds every row by its natural key and changes nothing.
Demo passwords are public; ``seed_demo`` refuses to run with DEBUG off unless forced.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from manabiba.accounts.factories import DEFAULT_PASSWORD, DepartmentFactory, UserFactory
from manabiba.accounts.models import RoleGrant, User
from manabiba.accounts.reference import departments_load
from manabiba.accounts.roles import Role
from manabiba.core.models import Area
from manabiba.core.reference import areas_load
from manabiba.facilities.factories import RoomFactory
from manabiba.facilities.models import Facility
from manabiba.facilities.reference import facilities_load
from manabiba.programs.reference import audiences_load, categories_load

DEMO_DOMAIN = "demo.manabiba.jp"
BENCH_DOMAIN = "bench.demo.manabiba.jp"
BENCH_SEED = 20260401

# (role, name, furigana, area). The department of the department staff is set below.
DEMO_PEOPLE: list[tuple[Role, str, str, str]] = [
    (Role.RESIDENT, "市民 花子", "しみん はなこ", "田無町"),
    (Role.GROUP_ORGANISER, "団体 太郎", "だんたい たろう", "ひばりが丘"),
    (Role.TALENT, "人材 さくら", "じんざい さくら", "保谷町"),
    (Role.DEPARTMENT_STAFF, "各課 次郎", "かくか じろう", "南町"),
    (Role.DESK_STAFF, "窓口 明子", "まどぐち あきこ", "中町"),
    (Role.FACILITY_STAFF, "施設 健", "しせつ けん", "芝久保町"),
    (Role.COORDINATOR, "推進 担当", "すいしん たんとう", "東町"),
    (Role.ADMINISTRATOR, "管理 者", "かんり しゃ", "西原町"),
]
DEMO_DEPARTMENT = ("社会教育課", "教育部")

LEARNING_KINDS = {
    Facility.Kind.KOMINKAN,
    Facility.Kind.LIBRARY,
    Facility.Kind.HALL,
    Facility.Kind.SCHOOL_ELEMENTARY,
    Facility.Kind.SCHOOL_JUNIOR_HIGH,
}
# Typical rooms, not each building's real ones: enough to book and to fill a timetable.
ROOMS_BY_KIND: dict[str, list[tuple[str, int]]] = {
    Facility.Kind.KOMINKAN: [("講座室", 40), ("学習室A", 20), ("学習室B", 12), ("和室", 16), ("実習室", 24)],
    Facility.Kind.LIBRARY: [("集会室", 40), ("グループ学習室", 8)],
    Facility.Kind.HALL: [("ホール", 300), ("会議室", 30), ("練習室", 15)],
    Facility.Kind.SCHOOL_ELEMENTARY: [("多目的室", 40), ("体育館", 150), ("音楽室", 35)],
    Facility.Kind.SCHOOL_JUNIOR_HIGH: [("多目的室", 40), ("体育館", 200), ("家庭科室", 32)],
}


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str


def demo_email(role: Role) -> str:
    return f"{role.value.replace('_', '-')}@{DEMO_DOMAIN}"


def bench_email(index: int) -> str:
    return f"resident{index:06d}@{BENCH_DOMAIN}"


@transaction.atomic
def demo_reference_load() -> None:
    """Demo rows link to areas, departments and facilities, so the reference data comes first."""
    areas_load()
    departments_load()
    categories_load()
    audiences_load()
    facilities_load()


@transaction.atomic
def demo_users_seed() -> list[DemoLogin]:
    """One person per role, created once; someone already there is left as they are (and keeps their role)."""
    department = DepartmentFactory(name=DEMO_DEPARTMENT[0], division=DEMO_DEPARTMENT[1])
    areas = {area.name: area for area in Area.objects.all()}
    logins = []
    for role, name, kana, area_name in DEMO_PEOPLE:
        email = demo_email(role)
        user = User.objects.filter(email=email).first()
        if user is None:
            UserFactory(
                email=email,
                full_name=name,
                full_name_kana=kana,
                area=areas.get(area_name),
                department=department if role == Role.DEPARTMENT_STAFF else None,
                roles=[] if role == Role.RESIDENT else [role],
            )
        elif role != Role.RESIDENT:
            RoleGrant.objects.get_or_create(user=user, role=role)
        logins.append(DemoLogin(role=role, email=email, password=DEFAULT_PASSWORD))
    return logins


@transaction.atomic
def demo_rooms_seed() -> int:
    """Give every learning facility a few rooms. Returns how many rooms were created."""
    created = 0
    for facility in Facility.objects.filter(kind__in=LEARNING_KINDS):
        for name, capacity in ROOMS_BY_KIND[facility.kind]:
            if not facility.rooms.filter(name=name).exists():
                RoomFactory(facility=facility, name=name, capacity=capacity)
                created += 1
    return created


@transaction.atomic
def demo_residents_generate(*, count: int, batch_size: int = 2000) -> int:
    """Add ``count`` residents for benchmarks, with the same e-mails and names on every run.

    One password hash is shared, because hashing thousands of passwords would take minutes.
    Returns how many were created (rows already there are kept).
    """
    fake = Faker("ja_JP")
    fake.seed_instance(BENCH_SEED)
    areas = list(Area.objects.order_by("sort_order", "name"))
    age_bands = list(User.AgeBand.values)
    password = make_password(DEFAULT_PASSWORD)
    before = User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").count()
    users = [
        User(
            email=bench_email(index),
            full_name=fake.name(),
            full_name_kana=fake.kana_name(),
            password=password,
            area=areas[index % len(areas)] if areas else None,
            age_band=age_bands[index % len(age_bands)],
            lives_in_city=True,
        )
        for index in range(1, count + 1)
    ]
    User.objects.bulk_create(users, batch_size=batch_size, ignore_conflicts=True)
    return User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").count() - before
