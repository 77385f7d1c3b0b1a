"""Demo exchange meetings, made through the services: an activity presentation meeting held last
week (timetable published, slides shown because the presenters agreed, groups that came, a
survey answered) and a joint training session coming up for registered groups only.

Every name is made up. It needs the demo coordinator and approved demo groups (``seed_demo``
makes them first). A second run finds the meetings by their titles and changes nothing.
"""

from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup, Membership
from manabiba.exchanges import services
from manabiba.exchanges.models import ExchangeMeeting
from manabiba.programs import services as program_services
from manabiba.programs.models import Organizer, Program
from manabiba.registrations.models import Registration

MEETING_TITLE = "地域活動交流会・活動発表会（デモ）"
TRAINING_TITLE = "団体向け合同研修「会計と助成金申請の基本」（デモ）"
# The smallest PDF that viewers open: one empty page.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PRESENTATIONS = [
    (
        "子どもと高齢者の読み聞かせ交流",
        "小学生とシニアが一緒に絵本を読む活動の一年。",
        20,
        ["c", "o"],
        "プロジェクター",
    ),
    ("学生ボランティアと町の清掃", "大学生と町内会が月に一度、駅前を清掃しています。", 15, ["s", "w"], "マイク"),
    ("シニアのスマホ相談室", "高校生がシニアにスマートフォンの使い方を教える活動。", 15, ["s", "o"], ""),
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _groups() -> list[tuple[CommunityGroup, User]]:
    """Approved demo groups with their owners."""
    owners = (
        Membership.objects.filter(role=Membership.Role.OWNER, group__status=CommunityGroup.Status.APPROVED)
        .select_related("group", "user")
        .order_by("group_id")
    )
    return [(m.group, m.user) for m in owners if m.group.is_listed][:4]


def _program(coordinator: User, title: str, day: date, capacity: int, summary: str) -> Program:
    organizer = program_services.organizer_get_or_create(kind=Organizer.Kind.CENTER, name="生涯学習推進担当（デモ）")
    program = program_services.program_create(
        actor=coordinator,
        title=title,
        kind=Program.Kind.EXCHANGE,
        organizer=organizer,
        summary=summary,
        venue_name="市民会館 大ホール（デモ）",
        capacity=capacity,
        application=Program.Application.SITE,
        applications_open_at=timezone.now() - timedelta(days=30),
        applications_close_at=_at(day, 9),
        sessions=[program_services.SessionTimes(starts_at=_at(day, 10), ends_at=_at(day, 16))],
    )
    return program_services.program_publish(program=program, actor=coordinator)


def _meeting(coordinator: User, groups: list[tuple[CommunityGroup, User]]) -> str:
    # Prepared ahead like a real meeting, then moved to last week so that its materials show.
    ahead = timezone.localdate() + timedelta(days=14)
    held = timezone.localdate() - timedelta(days=7)
    program = _program(coordinator, MEETING_TITLE, ahead, 80, "市内の団体が活動を発表し、情報を交換します。")
    services.meeting_setup(
        program=program,
        actor=coordinator,
        format=ExchangeMeeting.Format.MEETING,
        stages="大ホール\n第1会議室",
        tables_open=True,
    )
    hour, minute = 10, 0
    for (group, owner), (title, summary, minutes, generations, equipment) in zip(groups, PRESENTATIONS, strict=False):
        presentation = services.presentation_apply(
            program=program,
            group=group,
            actor=owner,
            title=title,
            summary=summary,
            minutes_needed=minutes,
            generations=generations,
            equipment=equipment,
            materials_public=True,
        )
        presentation = services.presentation_decide(presentation=presentation, actor=coordinator, status="accepted")
        starts = _at(held, hour, minute)
        services.slot_add(
            program=program,
            actor=coordinator,
            stage="大ホール",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            presentation=presentation,
        )
        minute += minutes + 5
        hour, minute = hour + minute // 60, minute % 60
        services.material_upload(
            presentation=presentation, actor=owner, title=f"{title}（スライド）", file=ContentFile(DEMO_PDF)
        )
        table = services.table_apply(
            program=program, group=group, actor=owner, shows="活動写真のパネルとチラシ", generations=generations
        )
        services.table_decide(table=table, actor=coordinator, status="accepted", table_label=f"A-{table.pk}")
        services.group_attendance_register(
            program=program, group=group, actor=owner, members=8, generations=generations, consent=True
        )
    services.slot_add(
        program=program,
        actor=coordinator,
        stage="大ホール",
        starts_at=_at(held, 12),
        ends_at=_at(held, 13),
        label="昼休憩",
    )
    services.timetable_publish(program=program, actor=coordinator)
    program_services.program_update(
        program=program,
        actor=coordinator,
        sessions=[program_services.SessionTimes(starts_at=_at(held, 10), ends_at=_at(held, 16))],
        applications_close_at=_at(held, 9),
    )
    for registration in Registration.objects.filter(program=program, status__in=Registration.SEATED)[:2]:
        services.survey_respond(
            registration=registration,
            satisfaction=5,
            met_other_generations=True,
            new_contacts=True,
            comment="また参加したい。",
        )
    return f"exchanges: {MEETING_TITLE} with {len(groups)} presentations, a timetable and materials"


def _training(coordinator: User, groups: list[tuple[CommunityGroup, User]]) -> str:
    day = timezone.localdate() + timedelta(days=21)
    program = _program(coordinator, TRAINING_TITLE, day, 40, "団体の役員向けに、会計と助成金申請の基本を学びます。")
    services.meeting_setup(program=program, actor=coordinator, format=ExchangeMeeting.Format.TRAINING, groups_only=True)
    for group, owner in groups[:2]:
        services.group_attendance_register(
            program=program, group=group, actor=owner, members=3, generations=["w", "o"], consent=True
        )
    return f"exchanges: {TRAINING_TITLE} for registered groups"


@transaction.atomic
def demo_exchanges_seed() -> list[str]:
    """Make the demo meeting and training session; returns lines for ``seed_demo`` to print."""
    if Program.objects.filter(title=MEETING_TITLE).exists():
        return ["exchanges: the demo meetings are already there"]
    coordinator = User.objects.filter(role_grants__role=Role.COORDINATOR, is_active=True).order_by("pk").first()
    groups = _groups()
    if coordinator is None or len(groups) < 2:
        return ["exchanges: skipped (the demo coordinator and groups come first)"]
    return [_meeting(coordinator, groups[:3]), _training(coordinator, groups)]
