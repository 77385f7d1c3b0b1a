"""Demo data for development and benchmarks, built on the apps' factories.

Everything here is deterministic: fixed names at scale 1 and a seeded Faker for the bulk
residents, so a second run finds every row by its natural key and changes nothing.
Demo passwords are public; ``seed_demo`` refuses to run with DEBUG off unless forced.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from manabiba.accounts.factories import DEFAULT_PASSWORD, DepartmentFactory, UserFactory
from manabiba.accounts.models import Department, RoleGrant, User
from manabiba.accounts.reference import departments_load
from manabiba.accounts.roles import Role
from manabiba.core.holidays import is_day_off
from manabiba.core.models import Area
from manabiba.core.reference import areas_load
from manabiba.desk.reference import desk_contact_load, weekly_hours_load
from manabiba.facilities.factories import RoomFactory
from manabiba.facilities.models import Facility
from manabiba.facilities.reference import facilities_load
from manabiba.opendata import SAMPLES_DIR
from manabiba.opendata.importer import ImportReport, events_import, report_lines
from manabiba.opendata.municipalities import city_code
from manabiba.programs.factories import ProgramFactory
from manabiba.programs.models import Audience, Category, Organizer, Program
from manabiba.programs.reference import audiences_load, categories_load
from manabiba.programs.services import SessionTimes, organizer_get_or_create

DEMO_DOMAIN = "demo.manabiba.jp"
BENCH_DOMAIN = "bench.demo.manabiba.jp"
BENCH_SEED = 20260401
PROGRAM_SEED = 20260402
DEMO_SOURCE = "demo"

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
    (Role.REVIEWER, "審査 委員", "しんさ いいん", "北町"),
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
ROOMS_BY_KIND: dict[str, list[tuple[str, str, int]]] = {
    Facility.Kind.KOMINKAN: [
        ("講座室", "Lecture room", 40),
        ("学習室A", "Study room A", 20),
        ("学習室B", "Study room B", 12),
        ("和室", "Japanese-style room", 16),
        ("実習室", "Practice kitchen", 24),
    ],
    Facility.Kind.LIBRARY: [("集会室", "Meeting room", 40), ("グループ学習室", "Group study room", 8)],
    Facility.Kind.HALL: [("ホール", "Hall", 300), ("会議室", "Conference room", 30), ("練習室", "Rehearsal room", 15)],
    Facility.Kind.SCHOOL_ELEMENTARY: [
        ("多目的室", "Multipurpose room", 40),
        ("体育館", "Gymnasium", 150),
        ("音楽室", "Music room", 35),
    ],
    Facility.Kind.SCHOOL_JUNIOR_HIGH: [
        ("多目的室", "Multipurpose room", 40),
        ("体育館", "Gymnasium", 200),
        ("家庭科室", "Home economics room", 32),
    ],
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
    weekly_hours_load()
    desk_contact_load()


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
        for name, name_en, capacity in ROOMS_BY_KIND[facility.kind]:
            if not facility.rooms.filter(name=name).exists():
                RoomFactory(facility=facility, name=name, name_en=name_en, capacity=capacity)
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


def demo_opendata_dir() -> Path:
    """The real event lists shipped with the package, unless DEMO_OPENDATA_DIR names another folder."""
    return Path(settings.DEMO_OPENDATA_DIR or SAMPLES_DIR)


def demo_opendata_import(*, directory: Path | None = None, today: date | None = None) -> ImportReport:
    """Import this city's real event files with their dates moved into the coming months; rerunning changes nothing.

    Each file is shifted by whole weeks, so every programme keeps its days of the week. A
    missing directory (a DEMO_OPENDATA_DIR that is not there) imports nothing.
    """
    folder = directory or demo_opendata_dir()
    paths = sorted(folder.glob("events-*.csv")) if folder.is_dir() else []
    # The catalogue is this city's: neighbouring cities' events stay in the files (the importer's
    # tests read them) but not in the demo, and rows naming a past year are left out.
    return events_import(paths=paths, shift_to_upcoming=True, today=today, municipalities={city_code()})


@dataclass(frozen=True)
class DemoProgramme:
    """A made-up programme as a city would run it: who it is for, who runs it and when fit its title."""

    title: str
    summary: str
    audiences: tuple[str, ...] = ("大学・一般(成人)",)  # names of the city's audience list
    organizer: str = Organizer.Kind.DEPARTMENT
    # The department, group or lecturer by name (a department of the city's reference list, or one of
    # DEMO_GROUPS, DEMO_CITIZENS, DEMO_OTHERS); empty: any of its kind.
    organizer_name: str = ""
    kind: str = Program.Kind.COURSE  # a course meets four times, a week apart; anything else once
    when: tuple[int, bool] | None = None  # (hour, on a day off); None: the next time of the cycle
    capacity: int | None = None  # None: one of the usual sizes


_CENTER, _SCHOOL, _GROUP = Organizer.Kind.CENTER, Organizer.Kind.SCHOOL, Organizer.Kind.GROUP
_CITIZEN, _OTHER, _EVENT = Organizer.Kind.CITIZEN, Organizer.Kind.OTHER, Program.Kind.EVENT
_ANYONE, _ADULTS, _SENIORS = ("制限なし",), ("大学・一般(成人)",), ("高齢者",)

# Per field or sub-field, so that every field of learning has programmes; between them every audience
# and every kind of organiser has one. Children are at school on weekdays; stars come out after dark.
DEMO_TITLES: dict[str, list[DemoProgramme]] = {
    "教育等一般": [
        DemoProgramme(
            "はじめての生涯学習ガイダンス", "市内の学びの場と講座の探し方を紹介します。", _ANYONE, _CENTER, kind=_EVENT
        ),
        DemoProgramme(
            "女性のための学び直し・再就職講座",
            "子育てが一段落した方に、学び直しの方法と再就職の準備を紹介します。",
            ("女性",),
            organizer_name="産業振興課",
        ),
        DemoProgramme(
            "図書館の上手な使い方",
            "蔵書検索や予約、レファレンスの使い方を司書が案内します。",
            _ANYONE,
            organizer_name="中央図書館",
            kind=_EVENT,
        ),
    ],
    "人文・社会科学": [
        DemoProgramme(
            "読書会 いま読みたい日本の近代文学",
            "毎回一冊を読み、感想を話し合います。",
            _ADULTS,
            _GROUP,
            "西東京 歴史を学ぶ会",
        ),
        DemoProgramme("はじめての俳句づくり", "季語の選び方から句会の楽しみ方まで学びます。", _SENIORS, _CITIZEN),
        DemoProgramme(
            "くずし字入門 古文書を読んでみよう",
            "郷土の古文書を手がかりにくずし字を読みます。",
            organizer_name="社会教育課",
        ),
    ],
    "心理": [
        DemoProgramme(
            "子育てに役立つ心理学入門",
            "子どもの気持ちの育ちを心理学から学びます。",
            organizer_name="子育て支援課",
            when=(10, False),
        ),
        DemoProgramme(
            "ストレスと上手につきあう心の講座",
            "日々のストレスへの向き合い方を臨床心理士と考えます。",
            ("勤労者",),
            organizer_name="健康課",
            when=(19, False),
        ),
        DemoProgramme(
            "聴く力を育てるコミュニケーション講座", "相手の話をしっかり聴くコツを演習で学びます。", _ANYONE, _CENTER
        ),
    ],
    "哲学・宗教": [
        DemoProgramme(
            "哲学カフェ 幸せってなんだろう",
            "正解のない問いを気軽に語り合います。",
            ("青少年", "大学・一般(成人)"),
            _GROUP,
            "てつがくカフェ にしとうきょう",
            kind=_EVENT,
        ),
        DemoProgramme(
            "こども哲学 どうして勉強するの？",
            "小学生が問いを出し合い、みんなで考えます。",
            ("小学生",),
            _SCHOOL,
            kind=_EVENT,
            when=(10, True),
        ),
        DemoProgramme(
            "暮らしのなかの年中行事と祈り",
            "身近な年中行事に込められた願いを学びます。",
            _SENIORS,
            organizer_name="公民館",
            kind=_EVENT,
        ),
    ],
    "歴史・地理": [
        DemoProgramme(
            "まちの歴史を歩く 田無・保谷の古道",
            "郷土資料室の学芸員と旧道を歩きます。",
            _ANYONE,
            organizer_name="社会教育課",
            kind=_EVENT,
            when=(10, True),
        ),
        DemoProgramme(
            "下野谷遺跡と縄文のくらし",
            "市内の縄文遺跡から当時のくらしを学びます。",
            ("中学生", "大学・一般(成人)"),
            organizer_name="社会教育課",
            kind=_EVENT,
            when=(13, True),
        ),
        DemoProgramme(
            "地図で読む西東京の移り変わり", "古い地図と今の地図を重ねてまちの変化をたどります。", _ADULTS, _CITIZEN
        ),
    ],
    "政治・経済": [
        DemoProgramme(
            "くらしと経済 家計から考える物価",
            "身近な家計から経済の仕組みを学びます。",
            ("勤労者",),
            organizer_name="公民館",
            when=(19, False),
        ),
        DemoProgramme(
            "はじめての資産づくりと消費者トラブル対策",
            "金融の基礎と詐欺の手口を消費生活相談員が解説します。",
            ("高校生", "青少年"),
            organizer_name="産業振興課",
            kind=_EVENT,
            when=(13, True),
        ),
        DemoProgramme(
            "市の予算を読んでみよう",
            "市の予算書の見方を担当職員がやさしく説明します。",
            _ANYONE,
            organizer_name="企画政策課",
            kind=_EVENT,
        ),
    ],
    "法律": [
        DemoProgramme(
            "知っておきたい相続と遺言の基礎",
            "弁護士がやさしく解説します。",
            _SENIORS,
            _OTHER,
            "NPO法人 くらしの法律ネット",
            kind=_EVENT,
        ),
        DemoProgramme(
            "暮らしの法律相談の入口",
            "近隣トラブルや契約の基本を司法書士が解説します。",
            _ANYONE,
            _OTHER,
            "NPO法人 くらしの法律ネット",
            kind=_EVENT,
        ),
        DemoProgramme(
            "成年後見制度を知る講座",
            "制度の仕組みと使い方を専門職が説明します。",
            _SENIORS,
            organizer_name="高齢者支援課",
        ),
    ],
    "自然科学": [
        DemoProgramme(
            "親子で星空観察会",
            "季節の星座を望遠鏡で観察します。",
            ("親子", "幼児", "小学生"),
            _GROUP,
            "西東京 星を見る会",
            kind=_EVENT,
            when=(19, True),
        ),
        DemoProgramme(
            "身近な野鳥ウォッチング",
            "公園を歩きながら野鳥の見分け方を学びます。",
            _ANYONE,
            _GROUP,
            "西東京 野鳥の会",
            kind=_EVENT,
            when=(10, True),
        ),
        DemoProgramme(
            "おうちでできる科学実験教室",
            "台所にあるもので楽しい実験をします。",
            ("小学生",),
            _OTHER,
            "NPO法人 にしとうきょう子ども文化",
            kind=_EVENT,
            when=(13, True),
        ),
    ],
    "産業・技術": [
        DemoProgramme(
            "シニアのためのスマートフォン教室",
            "電話・写真・地図の使い方を少人数で学びます。",
            _SENIORS,
            organizer_name="高齢者支援課",
            capacity=12,
        ),
        DemoProgramme(
            "はじめてのパソコン 文書づくり", "文字入力から簡単な案内文づくりまで学びます。", _ADULTS, _CITIZEN
        ),
        DemoProgramme(
            "小学生のプログラミング体験",
            "ブロックを組み合わせてゲームを作ります。",
            ("小学生",),
            _SCHOOL,
            kind=_EVENT,
            when=(10, True),
        ),
    ],
    "芸術・文化": [
        DemoProgramme(
            "水彩画でえがく西東京の四季", "初心者向けの水彩画講座です。", _ANYONE, _GROUP, "ひばりが丘 水彩サークル"
        ),
        DemoProgramme("みんなで歌おう 季節のうた", "懐かしい歌を声を合わせて楽しみます。", _SENIORS, _CITIZEN),
        DemoProgramme(
            "はじめての書道 ていねいな字を書く",
            "筆の持ち方から楷書の基本を学びます。",
            ("中学生", "高校生", "大学・一般(成人)"),
            organizer_name="文化振興課",
        ),
    ],
    "スポーツ・レクリエーション": [
        DemoProgramme(
            "夜のやさしいヨガ",
            "仕事帰りに体をほぐす初心者向けのヨガです。",
            ("勤労者", "大学・一般(成人)"),
            _GROUP,
            "保谷 ヨガの会",
            when=(19, False),
        ),
        DemoProgramme(
            "シニアの健康体操", "椅子を使って無理なく体を動かします。", _SENIORS, organizer_name="スポーツ振興課"
        ),
        DemoProgramme(
            "親子でチャレンジ 卓球教室",
            "ラケットの握り方から試合まで楽しみます。",
            ("親子", "小学生"),
            organizer_name="スポーツ振興課",
            kind=_EVENT,
            when=(13, True),
        ),
    ],
    "家庭生活・趣味": [
        DemoProgramme("季節の和菓子づくり", "練り切りで季節の和菓子を作ります。", _ADULTS, _CITIZEN, capacity=16),
        DemoProgramme(
            "男性のための料理教室",
            "包丁の使い方から一汁三菜まで作ります。",
            ("男性",),
            organizer_name="公民館",
            capacity=16,
        ),
        DemoProgramme("ベランダで育てる家庭菜園", "プランターで野菜を育てるコツを学びます。", _ADULTS, _CITIZEN),
    ],
    "市民生活・国際関係": [
        DemoProgramme(
            "やさしい日本語で話そう 国際交流サロン",
            "外国籍の市民と日本語で交流します。",
            _ANYONE,
            _CENTER,
            kind=Program.Kind.EXCHANGE,
        ),
        DemoProgramme(
            "わが家の防災 備えの見直し講座",
            "備蓄品と避難の準備を防災の専門家と確認します。",
            _ANYONE,
            organizer_name="公民館",
            kind=_EVENT,
        ),
        DemoProgramme(
            "世界の料理で国際交流",
            "市内に住む外国出身の講師と料理を作ります。",
            _ANYONE,
            _OTHER,
            kind=_EVENT,
            capacity=16,
        ),
    ],
    "その他": [
        DemoProgramme(
            "地域ボランティア入門",
            "市内のボランティア活動を紹介し、体験します。",
            _ANYONE,
            _CENTER,
            kind=Program.Kind.VOLUNTEER,
        ),
        DemoProgramme(
            "はじめての認知症サポーター養成講座",
            "認知症の人と家族を地域で支える方法を学びます。",
            _ANYONE,
            organizer_name="高齢者支援課",
            kind=_EVENT,
        ),
        DemoProgramme(
            "子ども食堂を知るつどい",
            "市内の子ども食堂の活動と関わり方を紹介します。",
            _ANYONE,
            _OTHER,
            "一般社団法人 まちの学び舎",
            kind=_EVENT,
        ),
    ],
}
# やさしい日本語 for some of them (short sentences, です・ます, everyday words; the page adds furigana).
DEMO_EASY_SUMMARIES: dict[str, str] = {
    "はじめての生涯学習ガイダンス": (
        "この市で勉強できる場所と講座を紹介します。\n自分に合う講座の探し方が分かります。\nはじめての人も来てください。"
    ),
    "親子で星空観察会": (
        "子どもと親がいっしょに、夜の空の星を見ます。\n大きい望遠鏡を使います。\n"
        "雨やくもりの日は、部屋で星のお話をします。"
    ),
    "身近な野鳥ウォッチング": (
        "公園を歩いて、鳥を見ます。\n鳥の名前の調べ方を習います。\n歩きやすいくつで来てください。"
    ),
    "シニアのためのスマートフォン教室": (
        "スマートフォン（スマホ）の使い方を習います。\n電話をかける、写真をとる、地図を見る方法を練習します。\n"
        "人数が少ないので、ゆっくり聞くことができます。\n自分のスマホを持って来てください。"
    ),
    "みんなで歌おう 季節のうた": (
        "みんなでいっしょに歌を歌います。\n季節の歌や、昔からみんなが知っている歌です。\n楽譜が読めなくても大丈夫です。"
    ),
    "男性のための料理教室": (
        "料理をしたことがない男の人のための教室です。\n包丁の使い方から習います。\nごはん、みそしる、おかずを作ります。"
    ),
    "やさしい日本語で話そう 国際交流サロン": (
        "日本語で話す会です。\n外国から来た人と日本の人が、いっしょに話します。\n"
        "日本語が少しだけでも大丈夫です。\n友だちを作りましょう。"
    ),
    "わが家の防災 備えの見直し講座": (
        "地震などの災害のときのために、準備することを勉強します。\n家に置いておく水や食べ物を確認します。\n"
        "にげる場所と道も確認します。"
    ),
    "世界の料理で国際交流": (
        "いろいろな国の料理を作ります。\n先生は、この市に住んでいる外国から来た人です。\n"
        "いっしょに作って、いっしょに食べます。\nエプロンを持って来てください。"
    ),
    "地域ボランティア入門": (
        "ボランティアは、地域の人のために手伝う活動です。\nこの市のボランティア活動を紹介します。\n少し体験もします。"
    ),
}
DEMO_GROUPS = [
    "西東京 歴史を学ぶ会",
    "ひばりが丘 水彩サークル",
    "保谷 ヨガの会",
    "西東京 星を見る会",
    "西東京 野鳥の会",
    "てつがくカフェ にしとうきょう",
]
DEMO_CITIZENS = ["市民講師 山田 一郎", "市民講師 佐藤 みどり"]
DEMO_OTHERS = ["NPO法人 にしとうきょう子ども文化", "一般社団法人 まちの学び舎", "NPO法人 くらしの法律ネット"]
DEMO_CENTER = "西東京市市民協働推進センター ゆめこらぼ"
DEMO_NOTES = ["初めての方も歓迎します。", "筆記用具をお持ちください。", "動きやすい服装でお越しください。"]


def _demo_day(today: date, offset: int, *, weekend: bool) -> date:
    """The first day at least ``offset`` days ahead that is a Saturday or Sunday (weekend: a course's
    later sessions, a week apart, then fall on days off too) or a working day (weekday)."""
    day = today + timedelta(days=offset)
    while (day.weekday() < 5) if weekend else is_day_off(day):
        day += timedelta(days=1)
    return day


def _demo_organizer(spec: DemoProgramme, rng: random.Random, departments: list[Department]) -> Organizer:
    kind = spec.organizer
    if kind == Organizer.Kind.DEPARTMENT and departments:
        named = [department for department in departments if department.name == spec.organizer_name]
        department = named[0] if named else rng.choice(departments)
        return organizer_get_or_create(kind=kind, name=department.name, department=department)
    if kind == Organizer.Kind.SCHOOL:
        school = Facility.objects.filter(kind=Facility.Kind.SCHOOL_ELEMENTARY).order_by("name").first()
        if school is not None:
            return organizer_get_or_create(kind=kind, name=school.name, facility=school)
    names: dict[str, list[str]] = {
        Organizer.Kind.CENTER: [DEMO_CENTER],
        Organizer.Kind.GROUP: DEMO_GROUPS,
        Organizer.Kind.CITIZEN: DEMO_CITIZENS,
    }
    if kind not in names:
        # Without departments or schools loaded, the programme is someone else's.
        kind = Organizer.Kind.OTHER
    choices = names.get(kind, DEMO_OTHERS)
    name = spec.organizer_name if spec.organizer_name in choices else rng.choice(choices)
    return organizer_get_or_create(kind=kind, name=name)


@transaction.atomic
def demo_programs_generate(*, today: date | None = None) -> int:
    """Programmes made up so that every facet of the catalogue has entries; returns how many were created.

    Each has a fixed key (``source`` "demo"), so a second run finds it and creates nothing.
    The variety comes from cycling through the facets, the details from a seeded random.
    """
    today = today or timezone.localdate()
    rng = random.Random(PROGRAM_SEED)  # noqa: S311 - demo data, not secrets: the same on every run
    categories = list(Category.objects.order_by("sort_order"))
    audiences = list(Audience.objects.order_by("sort_order"))
    departments = list(Department.objects.order_by("name"))
    areas = list(Area.objects.order_by("sort_order", "name"))
    facilities = list(Facility.objects.filter(area__isnull=False).order_by("kind", "name"))
    if not categories:
        return 0
    # (hour, weekend): weekday morning, weekday afternoon, weekday evening, weekend morning, weekend afternoon.
    times = [(10, False), (14, False), (19, False), (10, True), (13, True)]
    fees = [Program.Fee.FREE, Program.Fee.PAID, Program.Fee.MATERIALS]
    # A course's places are applied for; many one-off events take whoever comes.
    applications = {
        True: [
            Program.Application.SITE,
            Program.Application.PHONE,
            Program.Application.SITE,
            Program.Application.POSTCARD,
        ],
        False: [Program.Application.NONE, Program.Application.SITE],
    }
    created = 0
    count = max(len(categories) * 3, len(audiences) * 2, len(areas))
    for index in range(count):
        key = f"demo-{index:03d}"
        category = categories[index % len(categories)]
        # Each field's titles in turn, so that no two programmes share a title.
        titles = DEMO_TITLES.get(category.minor or category.major, DEMO_TITLES["その他"])
        spec = titles[(index // len(categories)) % len(titles)]
        title, summary, kind = spec.title, spec.summary, spec.kind
        hour, weekend = spec.when or times[index % len(times)]
        fee = fees[index % len(fees)]
        choices = applications[kind == Program.Kind.COURSE]
        application = choices[index % len(choices)]
        # Cycling through the areas gives every area of the area facet a programme.
        area = areas[index % len(areas)] if areas else None
        in_area = [facility for facility in facilities if facility.area_id == getattr(area, "pk", None)]
        venue = rng.choice(in_area) if in_area else None
        capacity = spec.capacity or rng.choice([15, 20, 24, 30, 40])
        session_count = 4 if kind == Program.Kind.COURSE else 1
        starts_on = _demo_day(today, 5 + index * 3, weekend=weekend)
        starts_at = timezone.make_aware(datetime.combine(starts_on, time(hour, 0)))
        organizer = _demo_organizer(spec, rng, departments)
        if Program.objects.filter(source=DEMO_SOURCE, source_key=key).exists():
            continue
        ProgramFactory(
            published=True,
            title=title,
            summary=summary,
            description=f"{summary}\n\n{rng.choice(DEMO_NOTES)}",
            easy_summary=DEMO_EASY_SUMMARIES.get(title, ""),
            kind=kind,
            organizer=organizer,
            categories=[category],
            audiences=[audience for audience in audiences if audience.name in spec.audiences],
            facility=venue,
            area=area,
            venue_name="" if venue is not None or area is None else f"{area.name} 地区会館",
            is_online=venue is None and area is None,
            fee=fee,
            fee_amount=None if fee == Program.Fee.FREE else rng.choice([300, 500, 1000, 1500, 3000]),
            capacity=capacity,
            application=application,
            applications_close_at=(
                timezone.make_aware(datetime.combine(starts_on - timedelta(days=2), time(17, 0)))
                if application != Program.Application.NONE
                else None
            ),
            contact_name=organizer.name,
            childcare_available=index % 5 == 0 or spec.organizer_name == "子育て支援課",
            wheelchair_accessible=index % 2 == 0,
            sign_language=index % 7 == 0,
            sessions=[
                SessionTimes(
                    starts_at=starts_at + timedelta(weeks=week),
                    ends_at=starts_at + timedelta(weeks=week, minutes=90 if hour == 19 else 120),
                )
                for week in range(session_count)
            ],
            source=DEMO_SOURCE,
            source_key=key,
        )
        created += 1
    return created


def demo_programs_seed(*, today: date | None = None) -> list[str]:
    """The demo catalogue: the real event files moved into the coming months, then made-up programmes.

    Returns the lines for seed_demo to print.
    """
    report = demo_opendata_import(today=today)
    lines = report_lines(report) or [f"no event files in {demo_opendata_dir()}"]
    created = demo_programs_generate(today=today)
    lines.append(f"demo programmes: {created} created")
    return lines
