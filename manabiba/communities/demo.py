"""Demo groups for the Community Activity Information Station: fictional, Nishitokyo-style.

Every name is made up (no real group is meant). Groups are made through the services, as a
resident and the coordinator would; a second run finds each group by its name and changes
nothing. Run after the demo accounts and reference data exist (``seed_demo`` does that first).
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities import services
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import Area
from manabiba.programs.models import Category

DEMO_DOMAIN = "demo.manabiba.jp"
ORGANISER_EMAIL = f"group-organiser@{DEMO_DOMAIN}"
COORDINATOR_EMAIL = f"coordinator@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class DemoGroup:
    name: str
    kana: str
    kind: str
    fields: tuple[str, ...]
    areas: tuple[str, ...]
    days: str
    when: str
    place: str
    members: int
    in_city: int
    founded: int
    purpose: str
    activities: str
    fees: str
    recruiting: bool
    posts: tuple[tuple[str, str, str], ...] = ()  # kind, title, body
    event: tuple[str, str, int, int] | None = None  # title, venue, days ahead, hour
    status: str = CommunityGroup.Status.APPROVED
    extra: dict[str, str] = field(default_factory=dict)


GROUPS: list[DemoGroup] = [
    DemoGroup(
        "けやき通り太極拳の会（デモ）",
        "けやきどおりたいきょくけんのかい",
        CommunityGroup.Kind.SPORTS,
        ("スポーツ・レクリエーション",),
        ("田無町", "南町"),
        "25",
        "毎週水曜・土曜 10:00〜11:30",
        "田無公民館 講座室",
        24,
        22,
        2011,
        "ゆったりした太極拳で、年齢を問わず健康づくりと仲間づくりをしています。",
        "- 毎週の練習（24式太極拳）\n- 年に一度の市民まつりでの演武\n- 初心者向けの体験会",
        "月500円（体験は無料）",
        True,
        (
            ("recruitment", "新しい仲間を募集しています", "運動が苦手な方も大歓迎。動きやすい服装でお越しください。"),
            (
                "report",
                "市民まつりで演武をしました",
                "秋の市民まつりで12名が演武を披露しました。ご声援ありがとうございました。",
            ),
        ),
        ("太極拳はじめて体験会", "田無公民館", 12, 10),
    ),
    DemoGroup(
        "ひばりが丘おはなし玉手箱（デモ）",
        "ひばりがおかおはなしたまてばこ",
        CommunityGroup.Kind.VOLUNTEER,
        ("家庭生活・趣味", "芸術・文化"),
        ("ひばりが丘", "ひばりが丘北"),
        "2",
        "第1・第3水曜 15:30〜",
        "ひばりが丘図書館 おはなしのへや",
        9,
        9,
        2005,
        "子どもたちに絵本の読み聞かせと手遊びを届けるボランティアグループです。",
        "図書館と小学校での読み聞かせ、季節のおはなし会を開いています。",
        "年会費1,000円",
        True,
        (
            (
                "recruitment",
                "読み聞かせボランティア募集",
                "月に1回から参加できます。研修があるので初めての方も安心です。",
            ),
        ),
        ("冬のおはなし会", "ひばりが丘図書館", 20, 15),
    ),
    DemoGroup(
        "西原町ふれあい自治会（デモ）",
        "にしはらちょうふれあいじちかい",
        CommunityGroup.Kind.NEIGHBOURHOOD,
        ("市民生活・国際関係",),
        ("西原町",),
        "6",
        "月1回の役員会（日曜）",
        "西原町集会所",
        180,
        180,
        1978,
        "住みよいまちづくりのため、防災・防犯・清掃などに取り組んでいます。",
        "防災訓練、夏祭り、地域清掃、見守り活動。",
        "1世帯 月200円",
        False,
        (("report", "防災訓練を行いました", "消防署の協力で初期消火と担架搬送の訓練をしました。"),),
    ),
    DemoGroup(
        "保谷水彩スケッチクラブ（デモ）",
        "ほうやすいさいすけっちくらぶ",
        CommunityGroup.Kind.CULTURE,
        ("芸術・文化",),
        ("保谷町", "東町"),
        "3",
        "第2・第4木曜 13:00〜16:00",
        "保谷駅前公民館 美術室",
        15,
        12,
        1998,
        "身近な風景を水彩で描き、年に一度作品展を開いています。",
        "屋外スケッチ会、講師を招いた勉強会、作品展。",
        "月1,500円（画材は各自）",
        False,
        (("report", "作品展を開きました", "公民館のロビーで30点を展示し、300人の方にご来場いただきました。"),),
    ),
    DemoGroup(
        "柳沢こども囲碁教室（デモ）",
        "やぎさわこどもいごきょうしつ",
        CommunityGroup.Kind.CULTURE,
        ("家庭生活・趣味",),
        ("柳沢",),
        "5",
        "毎週土曜 9:30〜11:30",
        "柳沢公民館 和室",
        18,
        17,
        2016,
        "小学生が囲碁を通して考える力と礼儀を身につける教室です。",
        "ルールから段級位まで、レベル別に指導しています。",
        "月1,000円",
        True,
        (("recruitment", "小学生の生徒募集", "ルールを知らなくても大丈夫。保護者の見学も歓迎です。"),),
        ("親子囲碁体験", "柳沢公民館", 9, 10),
    ),
    DemoGroup(
        "NPO法人 西東京まちの縁側（デモ）",
        "にしとうきょうまちのえんがわ",
        CommunityGroup.Kind.NPO,
        ("市民生活・国際関係", "家庭生活・趣味"),
        ("芝久保町", "北原町"),
        "14",
        "火・金 11:00〜15:00",
        "芝久保町の空き店舗（縁側カフェ）",
        32,
        28,
        2019,
        "世代を超えて誰もが立ち寄れる居場所をつくっています。",
        "縁側カフェ、子ども食堂、シニアのスマホ相談会。",
        "賛助会員 年3,000円",
        True,
        (
            (
                "volunteer",
                "子ども食堂の調理ボランティア",
                "月2回、土曜の午前に調理をお手伝いいただける方を募集します。",
            ),
            ("report", "スマホ相談会の報告", "20名の方が参加し、写真の送り方やビデオ通話を練習しました。"),
        ),
        ("シニアのスマホ相談会", "芝久保公民館", 15, 13),
    ),
    DemoGroup(
        "東伏見ウォーキングの会（デモ）",
        "ひがしふしみうぉーきんぐのかい",
        CommunityGroup.Kind.SPORTS,
        ("スポーツ・レクリエーション",),
        ("東伏見", "富士町"),
        "06",
        "月曜・日曜の朝 8:00 集合",
        "東伏見駅北口",
        40,
        35,
        2009,
        "市内や近隣の緑道を歩き、健康と地域の再発見を楽しんでいます。",
        "毎週のウォーキング、季節の史跡めぐり。",
        "年1,200円（保険料込み）",
        False,
    ),
    DemoGroup(
        "谷戸小PTAおやじの会（デモ）",
        "やとしょうぴーてぃーえーおやじのかい",
        CommunityGroup.Kind.SCHOOL,
        ("教育等一般",),
        ("谷戸町",),
        "5",
        "学期に数回（土曜）",
        "谷戸小学校 体育館",
        14,
        14,
        2014,
        "学校と地域をつなぎ、子どもたちの思い出に残る行事を手伝っています。",
        "校庭キャンプ、餅つき大会、通学路の見守り。",
        "なし",
        False,
        status=CommunityGroup.Status.PENDING,
    ),
]


def _demo_user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email, full_name=name, password=make_password(None), email_verified_at=timezone.now()
        )
    return user


def _reviewer() -> User:
    reviewer = (
        User.objects.filter(email=COORDINATOR_EMAIL).first()
        or User.objects.filter(role_grants__role=Role.COORDINATOR).first()
        or User.objects.filter(is_superuser=True).first()
    )
    if reviewer is None:
        raise RuntimeError("Create the demo accounts (a coordinator) before the demo groups.")
    return reviewer


def _next_day(days_ahead: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days_ahead)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def demo_groups_seed() -> list[str]:
    """Make the demo groups with their posts and events; returns lines for ``seed_demo`` to print."""
    reviewer = _reviewer()
    categories = {str(c.major): c for c in Category.objects.filter(minor="")}
    areas = {a.name: a for a in Area.objects.all()}
    made = 0
    for index, demo in enumerate(GROUPS, start=1):
        if CommunityGroup.objects.filter(name=demo.name).exists():
            continue
        owner = (User.objects.filter(email=ORGANISER_EMAIL).first() if index == 1 else None) or _demo_user(
            f"group{index:02d}@{DEMO_DOMAIN}", f"{demo.name[:6]} 代表"
        )
        group = services.group_apply(
            actor=owner,
            agreed_to_rules=True,
            categories=[categories[name] for name in demo.fields if name in categories][:3]
            or list(Category.objects.all()[:1]),
            areas=[areas[name] for name in demo.areas if name in areas],
            name=demo.name,
            name_kana=demo.kana,
            kind=demo.kind,
            activity_days=demo.days,
            activity_days_note=demo.when,
            activity_place=demo.place,
            members_count=demo.members,
            members_in_city=demo.in_city,
            founded_year=demo.founded,
            purpose=demo.purpose,
            activities=demo.activities,
            fees=demo.fees,
            how_to_join="ページ下のフォームからお気軽にお問い合わせください。見学できます。",
            representative_name="代表者（デモ）",
            contact_name="連絡係（デモ）",
            contact_name_public=True,
            contact_email=f"contact{index:02d}@{DEMO_DOMAIN}",
            recruiting=demo.recruiting,
        )
        made += 1
        if demo.status != CommunityGroup.Status.APPROVED:
            continue
        group = services.group_approve(group=group, actor=reviewer)
        for kind, title, body in demo.posts:
            services.post_create(group=group, actor=owner, kind=kind, title=title, body=body)
        if demo.event is not None:
            title, venue, days_ahead, hour = demo.event
            starts = _next_day(days_ahead, hour)
            services.group_event_create(
                group=group,
                actor=owner,
                sessions=[services.event_session(starts, starts + timedelta(hours=2))],
                title=title,
                summary=demo.purpose[:300],
                venue_name=venue,
            )
    total = CommunityGroup.objects.filter(name__in=[g.name for g in GROUPS]).count()
    return [f"community groups: {made} made, {total} in all (one waits for review)"]
