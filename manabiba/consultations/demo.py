"""Demo learning consultations: a realistic staff queue for ``make run``.

Made through the services, as the demo resident, a guest, the desk, the coordinator and the
department would: asked online, logged by phone or at the counter, routed, noted, answered,
closed. Each consultation is found again by its question, so a second run creates nothing.
Run after the demo people (and, for the recommendations, the demo programmes) exist:
``seed_demo`` makes those first. Mails go to the outbox like any other.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from manabiba.accounts.models import Department, User
from manabiba.consultations.models import Channel, Consultation, ReplyChannel, Topic
from manabiba.consultations.services import (
    confirmation_token,
    consultation_assign,
    consultation_close,
    consultation_confirm,
    consultation_note_add,
    consultation_reply,
    consultation_submit,
    response_target,
)
from manabiba.programs.models import Program

# The demo people made by the web app's demo data (same values, not imported: web sits above this app).
DEMO_DOMAIN = "demo.manabiba.jp"
RESIDENT_EMAIL = f"resident@{DEMO_DOMAIN}"
DESK_EMAIL = f"desk-staff@{DEMO_DOMAIN}"
DEPARTMENT_EMAIL = f"department-staff@{DEMO_DOMAIN}"
COORDINATOR_EMAIL = f"coordinator@{DEMO_DOMAIN}"
DEMO_DEPARTMENT = "社会教育課"
# How long ago the overdue consultation came in: past the response target of its topic.
OVERDUE_AGE = timedelta(days=6, hours=3)


@dataclass(frozen=True)
class People:
    resident: User
    desk: User
    department_staff: User
    coordinator: User
    department: Department


@dataclass(frozen=True)
class DemoConsultation:
    """One question and what the staff have done with it so far (``handle``)."""

    state: str
    topic: str
    body: str
    channel: str
    reply_channel: str
    handle: Callable[[Consultation, People], None]
    by_resident: bool = False
    name: str = ""
    email: str = ""
    phone: str = ""
    preferred_times: str = ""
    program_words: tuple[str, ...] = ()


def _upcoming_programmes(words: tuple[str, ...], *, limit: int = 2) -> list[Program]:
    """Published programmes still to come, those whose title has one of ``words`` first."""
    upcoming = Program.objects.filter(status=Program.Status.PUBLISHED, next_starts_at__gt=timezone.now()).order_by(
        "next_starts_at", "pk"
    )
    matching = Q()
    for word in words:
        matching |= Q(title__contains=word)
    chosen = list(upcoming.filter(matching)[:limit]) if words else []
    if len(chosen) < limit:
        chosen += list(upcoming.exclude(pk__in=[p.pk for p in chosen])[: limit - len(chosen)])
    return chosen


# --- what the staff do with each ------------------------------------------------------------------


def _leave_new(consultation: Consultation, people: People) -> None:
    """Nobody has looked at it yet."""


def _route_to_department(consultation: Consultation, people: People) -> None:
    consultation_assign(
        consultation=consultation,
        actor=people.desk,
        department=people.department,
        assignee=None,
        note="市民講師の登録と講座の企画についてのご相談です。社会教育課でご対応をお願いします。",
    )


def _in_progress_with_note(consultation: Consultation, people: People) -> None:
    consultation_assign(
        consultation=consultation,
        actor=people.coordinator,
        department=people.department,
        assignee=people.department_staff,
        note="団体登録の要件と公民館の利用登録の両方に関わるため、担当をお願いします。",
    )
    consultation_note_add(
        consultation=consultation,
        actor=people.department_staff,
        body="柳沢公民館の和室は土曜午前が空いている。団体登録（5人以上・市内在住在勤が半数以上）の"
        "要件を満たすか、会員名簿の提出をお願いする予定。",
    )


def _wait_for_resident(consultation: Consultation, people: People) -> None:
    consultation_reply(
        consultation=consultation,
        actor=people.desk,
        body="お問い合わせありがとうございます。スマートフォンの講座はいくつかございます。"
        "ご案内にあたり、お使いの機種（iPhone・Android）と、平日・土日のどちらが"
        "ご都合よいかを教えていただけますか。",
        wait_for_resident=True,
    )


def _answer_with_programmes(consultation: Consultation, people: People) -> None:
    programmes = _upcoming_programmes(("親子", "子ども", "こども"))
    text = "お問い合わせありがとうございます。お子さんと一緒に参加できる土日の講座をご案内します。"
    if programmes:
        text += "日程や申込方法は、下の各講座のページでご確認ください。"
    else:
        text += "現在受付中の講座がないため、新しい講座が公開されましたら改めてお知らせします。"
    consultation_reply(
        consultation=consultation,
        actor=people.desk,
        body=text + "\nご不明な点があれば、このメールにそのままご返信ください。",
        program_ids=[p.pk for p in programmes],
    )


def _answer_and_close(consultation: Consultation, people: People) -> None:
    consultation_reply(
        consultation=consultation,
        actor=people.desk,
        body="お電話でご案内しました。ひばりが丘図書館の読書会（毎月第2土曜 14時）は申込不要で、"
        "当日直接会場へお越しいただけます。",
        via="phone",
    )
    consultation_close(consultation=consultation, actor=people.desk)


def _taken_on_by_desk(consultation: Consultation, people: People) -> None:
    consultation_assign(consultation=consultation, actor=people.desk, department=None, assignee=people.desk)
    consultation_note_add(
        consultation=consultation,
        actor=people.desk,
        body="ご本人は膝が悪いとのこと。椅子に座ってできる体操やヨガの団体を探して折り返す。",
    )


def _make_overdue(consultation: Consultation, people: People) -> None:
    """The services take no ``now``: move its arrival back so that its due date has passed.

    A queryset update on purpose (a runtime seed, not a test, so no time travel): the question
    came in OVERDUE_AGE ago and was due the topic's response target later.
    """
    arrived = timezone.now() - OVERDUE_AGE
    Consultation.objects.filter(pk=consultation.pk).update(
        created_at=arrived,
        confirmed_at=arrived,
        last_activity_at=arrived,
        due_at=arrived + response_target(consultation.topic),
    )


CONSULTATIONS: list[DemoConsultation] = [
    DemoConsultation(
        "new",
        Topic.LEARN,
        "退職後に地域で何か学びたいと思っています。これまで仕事ばかりで趣味もなく、"
        "何から始めればよいか分かりません。歴史や文学に少し興味があります。",
        Channel.WEB,
        ReplyChannel.EMAIL,
        _leave_new,
        by_resident=True,
        preferred_times="平日の日中ならいつでも",
    ),
    DemoConsultation(
        "answered with programmes",
        Topic.LEARN,
        "子どもと参加できる土日の講座を探しています。小学2年生の娘と一緒に、"
        "ものづくりや自然観察のような体験ができるものがあれば教えてください。",
        Channel.WEB,
        ReplyChannel.EMAIL,
        _answer_with_programmes,
        name="山本 由美",
        email=f"yamamoto.yumi@{DEMO_DOMAIN}",
    ),
    DemoConsultation(
        "routed to the department",
        Topic.LECTURER,
        "陶芸サークルの講師になりたいです。自宅に窯があり、20年ほど陶芸を続けています。"
        "公民館で講座を開くにはどうすればよいでしょうか。",
        Channel.PHONE,
        ReplyChannel.PHONE,
        _route_to_department,
        name="小林 健一",
        phone="042-400-1234",
        preferred_times="夕方17時以降",
    ),
    DemoConsultation(
        "in progress, internal note",
        Topic.FACILITY,
        "仲間5人で始めた将棋の会で、公民館の部屋を定期的に借りたいです。"
        "団体の登録が必要と聞きましたが、手続きを教えてください。",
        Channel.COUNTER,
        ReplyChannel.DESK,
        _in_progress_with_note,
        name="佐々木 誠",
        phone="090-1234-5678",
    ),
    DemoConsultation(
        "waiting for the resident",
        Topic.LEARN,
        "スマートフォンの使い方を基礎から教えてくれる講座はありますか。孫とビデオ通話ができるようになりたいです。",
        Channel.WEB,
        ReplyChannel.EMAIL,
        _wait_for_resident,
        by_resident=True,
    ),
    DemoConsultation(
        "closed",
        Topic.GROUP,
        "図書館でやっている読書会に参加したいのですが、申込みは必要ですか。",
        Channel.PHONE,
        ReplyChannel.PHONE,
        _answer_and_close,
        name="高橋 和子",
        phone="042-461-0000",
    ),
    DemoConsultation(
        "in progress, taken on by the desk",
        Topic.GROUP,
        "膝が悪くても参加できる健康体操のサークルを探しています。保谷駅の近くだと助かります。",
        Channel.COUNTER,
        ReplyChannel.PHONE,
        _taken_on_by_desk,
        name="中村 正夫",
        phone="042-421-5555",
        preferred_times="午前中",
    ),
    DemoConsultation(
        "overdue",
        Topic.OTHER,
        "市の生涯学習の講座で取った修了証は、何かの資格として使えますか。就職活動の履歴書に書いてよいか知りたいです。",
        Channel.WEB,
        ReplyChannel.EMAIL,
        _make_overdue,
        name="Lin Mei",
        email=f"lin.mei@{DEMO_DOMAIN}",
    ),
]


def _people() -> People:
    by_email = {
        user.email: user
        for user in User.objects.filter(email__in=[RESIDENT_EMAIL, DESK_EMAIL, DEPARTMENT_EMAIL, COORDINATOR_EMAIL])
    }
    missing = [e for e in (RESIDENT_EMAIL, DESK_EMAIL, DEPARTMENT_EMAIL, COORDINATOR_EMAIL) if e not in by_email]
    if missing:
        raise RuntimeError(f"Create the demo accounts before the demo consultations (missing: {', '.join(missing)}).")
    staff = by_email[DEPARTMENT_EMAIL]
    department = staff.department or Department.objects.filter(name=DEMO_DEPARTMENT).first()
    if department is None:
        raise RuntimeError(f"The demo department staff need a department ({DEMO_DEPARTMENT}).")
    return People(
        resident=by_email[RESIDENT_EMAIL],
        desk=by_email[DESK_EMAIL],
        department_staff=staff,
        coordinator=by_email[COORDINATOR_EMAIL],
        department=department,
    )


def _submit(demo: DemoConsultation, people: People) -> Consultation:
    if demo.by_resident:
        return consultation_submit(
            topic=demo.topic,
            body=demo.body,
            reply_channel=demo.reply_channel,
            preferred_times=demo.preferred_times,
            resident=people.resident,
        )
    logged = demo.channel in {Channel.PHONE, Channel.COUNTER}
    consultation = consultation_submit(
        topic=demo.topic,
        body=demo.body,
        reply_channel=demo.reply_channel,
        preferred_times=demo.preferred_times,
        name=demo.name,
        email=demo.email,
        phone=demo.phone,
        language="ja",
        channel=demo.channel,
        logged_by=people.desk if logged else None,
    )
    if consultation.confirmed_at is None:
        # The guest followed the link in the confirmation mail.
        consultation = consultation_confirm(token=confirmation_token(consultation))
    return consultation


@transaction.atomic
def demo_consultations_seed() -> list[str]:
    """About eight consultations in every state of the queue; returns lines for ``seed_demo`` to print."""
    people = _people()
    made = []
    for demo in CONSULTATIONS:
        if Consultation.objects.filter(body=demo.body.strip()).exists():
            continue
        consultation = _submit(demo, people)
        demo.handle(consultation, people)
        made.append(demo.state)
    total = Consultation.objects.filter(body__in=[demo.body.strip() for demo in CONSULTATIONS]).count()
    lines = [f"demo consultations: {len(made)} made, {total} in all"]
    if made:
        lines.append(f"demo consultations: {', '.join(made)}")
    return lines
