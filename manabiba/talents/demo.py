"""Demo talents for the talent bank: fictional people across the fields, in Nishitokyo style.

Every name is made up. Cards are made through the services, as a resident and the coordinator
would: a dozen registered, one waiting for screening, and one introduction held with its outcome,
so the directory, a talent's history and the coordinator's queue all have something to show.
A second run finds each card by its name and changes nothing.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.core.models import Area
from manabiba.programs.models import Audience, Category
from manabiba.talents import services
from manabiba.talents.models import HonorariumRate, IntroductionRequest, TalentProfile

DEMO_DOMAIN = "demo.manabiba.jp"
TALENT_EMAIL = f"talent@{DEMO_DOMAIN}"
COORDINATOR_EMAIL = f"coordinator@{DEMO_DOMAIN}"
SCHOOL_EMAIL = f"facility-staff@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class DemoTalent:
    name: str
    kana: str
    field: str
    teaches: str
    qualifications: str
    experience: str
    areas: tuple[str, ...]
    days: str
    times: str
    audiences: tuple[str, ...]
    hourly: int | None  # None: free of charge
    languages: str = "日本語"
    name_public: bool = True
    approved: bool = True


TALENTS: list[DemoTalent] = [
    DemoTalent(
        "人材 さくら",
        "じんざい さくら",
        "芸術・文化",
        "書道（書き初め・年賀状の筆文字）。初心者や子ども向けに、筆の持ち方から教えます。",
        "書道師範",
        "公民館の書道講座で10年。小学校の書き初め指導にも協力しています。",
        ("保谷町", "東町"),
        "25",
        "afternoon,weekend",
        ("小学生", "大学・一般(成人)"),
        2000,
    ),
    DemoTalent(
        "茶野 静香（デモ）",
        "ちゃの しずか",
        "芸術・文化",
        "茶道の基本（お点前、和菓子のいただき方）。正座が苦手な方は椅子でも。",
        "茶道裏千家 准教授",
        "地域の茶話会を15年主宰。",
        ("田無町",),
        "3",
        "afternoon",
        ("大学・一般(成人)", "高齢者"),
        3000,
    ),
    DemoTalent(
        "森田 緑（デモ）",
        "もりた みどり",
        "自然科学",
        "身近な植物観察と、季節の草花の見分け方。公園での野外講座も。",
        "樹木医",
        "市内の公園ボランティアで観察会を年20回。",
        ("ひばりが丘", "谷戸町"),
        "56",
        "morning,weekend",
        ("親子", "小学生"),
        None,
    ),
    DemoTalent(
        "英語 ジョン（デモ）",
        "えいご じょん",
        "市民生活・国際関係",
        "やさしい英会話と、外国の暮らしの紹介。中学生の英語の学び直しも。",
        "英語教員免許（英国）",
        "市の国際交流協会で会話サロンを担当。",
        ("中町", "南町"),
        "14",
        "weekday_evening",
        ("中学生", "勤労者"),
        3000,
        "日本語、英語",
    ),
    DemoTalent(
        "料理 はるみ（デモ）",
        "りょうり はるみ",
        "家庭生活・趣味",
        "季節の家庭料理と、減塩のくふう。親子料理教室も。",
        "管理栄養士",
        "公民館の料理講座講師として8年。",
        ("芝久保町",),
        "2",
        "morning",
        ("親子", "高齢者"),
        2500,
    ),
    DemoTalent(
        "体操 たけし（デモ）",
        "たいそう たけし",
        "スポーツ・レクリエーション",
        "いすに座ってできる体操と、転ばないための筋力づくり。",
        "健康運動指導士",
        "高齢者クラブで週1回の体操指導。",
        ("西原町", "北町"),
        "0246",
        "morning,afternoon",
        ("高齢者",),
        None,
    ),
    DemoTalent(
        "歴史 ひろし（デモ）",
        "れきし ひろし",
        "人文・社会科学",
        "田無・保谷の歴史と、青梅街道の宿場町の暮らし。まち歩きの案内も。",
        "学芸員資格",
        "郷土資料室で20年、まち歩きガイドを担当。",
        ("田無町", "保谷町"),
        "5",
        "weekend",
        ("大学・一般(成人)", "小学生"),
        None,
    ),
    DemoTalent(
        "パソコン まなぶ（デモ）",
        "ぱそこん まなぶ",
        "産業・技術",
        "スマートフォンの基本操作と、写真の整理、ビデオ通話のしかた。",
        "",
        "シニア向けスマホ相談会を月2回。",
        ("泉町", "栄町"),
        "13",
        "afternoon,weekday_evening",
        ("高齢者",),
        1500,
    ),
    DemoTalent(
        "手話 あゆみ（デモ）",
        "しゅわ あゆみ",
        "教育等一般",
        "はじめての手話と、聞こえにくい人とのコミュニケーション。",
        "手話通訳者",
        "市の手話講習会の補助講師。",
        ("南町",),
        "35",
        "weekday_evening,weekend",
        ("中学生", "高校生", "大学・一般(成人)"),
        3000,
    ),
    DemoTalent(
        "絵本 よみこ（デモ）",
        "えほん よみこ",
        "教育等一般",
        "絵本の読み聞かせと、小さな子との手遊び。",
        "",
        "図書館のおはなし会で12年。",
        ("ひばりが丘",),
        "2",
        "morning",
        ("幼児", "親子"),
        None,
    ),
    DemoTalent(
        "将棋 まさる（デモ）",
        "しょうぎ まさる",
        "スポーツ・レクリエーション",
        "将棋の駒の動かし方から、子ども将棋大会の運営まで。",
        "将棋普及指導員",
        "児童館の将棋クラブを指導。",
        ("北原町",),
        "6",
        "afternoon,weekend",
        ("小学生", "中学生"),
        1000,
    ),
    DemoTalent(
        "防災 まもる（デモ）",
        "ぼうさい まもる",
        "市民生活・国際関係",
        "家庭でできる防災と、避難所の運営体験（HUG）。",
        "防災士",
        "自主防災組織の訓練を年10回指導。",
        ("東町", "中町"),
        "56",
        "weekend",
        ("大学・一般(成人)", "親子"),
        None,
        name_public=False,
    ),
    DemoTalent(
        "陶芸 つちこ（デモ）",
        "とうげい つちこ",
        "芸術・文化",
        "手びねりの陶芸入門（窯は持ち込みできません）。",
        "",
        "自宅工房で教室を15年。",
        ("谷戸町",),
        "4",
        "afternoon",
        ("大学・一般(成人)",),
        3000,
        approved=False,
    ),
]


def _demo_user(email: str, name: str, kana: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email,
            full_name=name,
            full_name_kana=kana,
            password=make_password(None),
            email_verified_at=timezone.now(),
        )
    return user


def _reviewer() -> User:
    reviewer = (
        User.objects.filter(email=COORDINATOR_EMAIL).first()
        or User.objects.filter(role_grants__role=Role.COORDINATOR).first()
        or User.objects.filter(is_superuser=True).first()
    )
    if reviewer is None:
        raise RuntimeError("Create the demo accounts (a coordinator) before the demo talents.")
    return reviewer


@transaction.atomic
def demo_talents_seed() -> list[str]:
    """Make the demo talents and one held introduction; returns lines for ``seed_demo`` to print."""
    reviewer = _reviewer()
    categories = {c.major: c for c in Category.objects.filter(minor="")}
    areas = {a.name: a for a in Area.objects.all()}
    audiences = {a.name: a for a in Audience.objects.all()}
    rates = list(HonorariumRate.objects.filter(active=True).order_by("max_per_hour"))
    made = 0
    first: TalentProfile | None = None
    for index, demo in enumerate(TALENTS, start=1):
        existing = TalentProfile.objects.filter(name=demo.name).first()
        if existing is not None:
            first = first or existing
            continue
        email = TALENT_EMAIL if index == 1 else f"talent{index:02d}@{DEMO_DOMAIN}"
        user = _demo_user(email, demo.name, demo.kana)
        # The lowest line of the scale that allows the wished amount.
        rate = next((r for r in rates if demo.hourly is not None and r.max_per_hour >= demo.hourly), None)
        paid = rate is not None
        talent = services.talent_register(
            actor=user,
            declared_adult=True,
            declared_no_misuse=True,
            categories=[categories[demo.field]] if demo.field in categories else list(Category.objects.all()[:1]),
            areas=[areas[name] for name in demo.areas if name in areas],
            audiences=[audiences[name] for name in demo.audiences if name in audiences],
            name=demo.name,
            name_kana=demo.kana,
            name_public=demo.name_public,
            teaches=demo.teaches,
            qualifications=demo.qualifications,
            experience=demo.experience,
            days=demo.days,
            times=demo.times,
            languages=demo.languages,
            free_of_charge=not paid,
            honorarium_rate=rate if paid else None,
            honorarium_per_hour=demo.hourly if paid else None,
            contact_email=email,
        )
        made += 1
        if demo.approved:
            talent = services.talent_approve(talent=talent, actor=reviewer)
        first = first or talent
    held = 0
    school = User.objects.filter(email=SCHOOL_EMAIL).first()
    if first is not None and school is not None and not IntroductionRequest.objects.filter(talent=first).exists():
        intro = services.introduction_request(
            talent=first,
            actor=school,
            requester_kind=IntroductionRequest.RequesterKind.SCHOOL,
            organisation="西東京市立けやき小学校（デモ）",
            contact_name=school.full_name or "学校 担当",
            contact_email=school.email,
            purpose="6年生の書き初め指導",
            dates="1月の平日午前、2時間",
            audience="小学6年生",
            expected_participants=60,
            budget=6000,
        )
        intro = services.introduction_forward(request=intro, actor=reviewer)
        intro = services.introduction_answer(request=intro, accept=True, actor=first.user)
        services.introduction_record_outcome(
            request=intro,
            actor=school,
            held=True,
            participants=58,
            satisfaction=5,
            comment="子どもたちが筆の持ち方から楽しく学べました。",
            comment_public=True,
        )
        held = 1
    total = TalentProfile.objects.filter(name__in=[t.name for t in TALENTS]).count()
    return [f"talents: {made} made, {total} in all (one waits for screening), introductions held: {held}"]
