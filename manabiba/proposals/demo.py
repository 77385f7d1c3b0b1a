"""A demo call for citizen-proposal lectures with a proposal in every state, made through the services.

Every name is made up. The first demo group (run by the group organiser's demo account) and the
demo talents propose; the committee member's and the department's demo accounts review; one
accepted lecture is scheduled, so its programme waits in the coordinator's review queue.
A second run finds the call by its name and changes nothing.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import User
from manabiba.accounts.roles import Role
from manabiba.communities.models import CommunityGroup
from manabiba.core.models import Area
from manabiba.facilities.models import Facility
from manabiba.programs import services as program_services
from manabiba.programs.models import Category
from manabiba.programs.services import SessionTimes
from manabiba.proposals import services
from manabiba.proposals.models import Proposal, ProposalCall, SurveyInvitation
from manabiba.registrations.models import Registration
from manabiba.registrations.services import attendance_record, registration_submit_on_behalf
from manabiba.talents import services as talent_services
from manabiba.talents.models import TalentProfile
from manabiba.talents.selectors import listed_talents

DEMO_DOMAIN = "demo.manabiba.jp"
CALL_NAME = "市民提案講座（デモ）前期募集"
OUTLINES = [
    services.SessionOutline("導入と自己紹介", "講座のねらいと進め方"),
    services.SessionOutline("実習", "実際にやってみる"),
    services.SessionOutline("まとめと発表", "学んだことを地域で生かす"),
]
DECLINE_REASON = "市内で同種の講座が多く、今回は見送ります。"
# (title, aim, state): every state a proposal can be in.
GROUP_PROPOSALS = [
    ("地域の防災マップを作ろう", "自分の町の危険箇所と避難所を歩いて確かめ、地図にまとめる。", "scheduled"),
    ("はじめてのスマホ教室", "高齢者がスマートフォンで行政情報や災害情報を受け取れるようにする。", "accepted"),
    ("親子で楽しむ郷土料理", "西東京の農産物を使った料理で親子の交流を深める。", "in_review"),
    ("空き家を生かした居場所づくり", "空き家の活用を考え、地域の居場所づくりを学ぶ。", "declined"),
    ("子ども将棋教室", "将棋を通じて子どもの集中力と礼儀を育てる。", "submitted"),
    ("公園の樹木観察会", "身近な公園の樹木を観察し、自然への関心を高める。", "draft"),
]


def _person(role: Role) -> User | None:
    return User.objects.filter(email=f"{role.value.replace('_', '-')}@{DEMO_DOMAIN}").first()


def _sessions(call: ProposalCall) -> list[SessionTimes]:
    zone = timezone.get_current_timezone()
    first = call.lectures_from + timedelta(days=5)
    return [
        SessionTimes(
            starts_at=datetime.combine(first + timedelta(days=7 * n), time(10), tzinfo=zone),
            ends_at=datetime.combine(first + timedelta(days=7 * n), time(12), tzinfo=zone),
        )
        for n in range(3)
    ]


@transaction.atomic
def demo_proposals_seed() -> list[str]:
    """Make the demo call and its proposals; returns lines for ``seed_demo`` to print."""
    if ProposalCall.objects.filter(name=CALL_NAME).exists():
        return ["proposals: the demo call is already there"]
    coordinator = _person(Role.COORDINATOR)
    organiser = _person(Role.GROUP_ORGANISER)
    reviewers = [p for p in (_person(Role.REVIEWER), _person(Role.DEPARTMENT_STAFF)) if p is not None]
    group = (
        CommunityGroup.objects.filter(memberships__user=organiser, status=CommunityGroup.Status.APPROVED).first()
        if organiser is not None
        else None
    )
    talents = list(listed_talents().filter(name_public=True).order_by("pk")[:6])
    if coordinator is None or organiser is None or group is None or not reviewers or not talents:
        return ["proposals: skipped (the demo people, groups and talents come first)"]
    today = timezone.localdate()
    call = services.call_create(
        actor=coordinator,
        name=CALL_NAME,
        term=ProposalCall.Term.FIRST,
        opens_on=today - timedelta(days=20),
        closes_on=today + timedelta(days=10),
        lectures_from=today + timedelta(days=40),
        lectures_until=today + timedelta(days=160),
        min_members=5,
        sessions_min=2,
        sessions_max=5,
        hours_per_session_max=Decimal("2.0"),
        fee_max_per_person=500,
        themes="地域課題（防災・子育て・高齢者の暮らし）、生活課題（デジタル・健康）",
        honorarium_budget=150000,
        lectures_funded=6,
    )
    facility = Facility.objects.filter(kind=Facility.Kind.KOMINKAN).order_by("pk").first()
    states: dict[str, int] = {}
    for index, (title, aim, state) in enumerate(GROUP_PROPOSALS):
        talent = talents[index % len(talents)]
        proposal = services.proposal_create(
            call=call,
            actor=organiser,
            kind=Proposal.Kind.GROUP,
            group=group,
            sessions=OUTLINES,
            representative=organiser.full_name or "代表",
            contact_name=organiser.full_name or "連絡担当",
            contact_email=organiser.email,
            founded_year=2012,
            members_count=15,
            members_in_city=13,
            record="月例の活動を10年以上続けています。",
            title=title,
            aim=aim,
            lecturer_talent=talent,
            lecturer_status=Proposal.LecturerStatus.REQUESTED,
            honorarium_planned=20000,
            hours_per_session=Decimal("2.0"),
            fee_per_person=300,
            capacity=20,
            audience="市内在住・在勤・在学の方",
            appeal="講師は人材バンクの登録者です。",
        )
        if state != "draft":
            proposal = services.proposal_submit(proposal=proposal, actor=organiser)
        if state in {"in_review", "accepted", "declined", "scheduled"}:
            reviews = [services.review_assign(proposal=proposal, reviewer=r, actor=coordinator) for r in reviewers]
            pairs = list(zip(reviews, reviewers, strict=True))
            for n, (review, reviewer) in enumerate(pairs if state != "in_review" else pairs[:1]):
                good = state != "declined"
                services.review_submit(
                    review=review,
                    actor=reviewer,
                    conflict=False,
                    pioneering=4 if good else 2,
                    public_benefit=5 if good else 2,
                    feasibility=4 - n if good else 1,
                    comment="地域の課題に合った企画です。" if good else "類似の講座が既にあります。",
                )
        if state in {"accepted", "declined", "scheduled"}:
            services.proposal_decide(
                proposal=proposal,
                actor=coordinator,
                decision="decline" if state == "declined" else "accept",
                reason="市内で同種の講座が多く、今回は見送ります。"
                if state == "declined"
                else "地域性と公益性が高い。",
            )
        if state == "scheduled" and facility is not None:
            services.proposal_schedule(
                proposal=proposal,
                actor=coordinator,
                sessions=_sessions(call),
                facility=facility,
                capacity=20,
                min_participants=8,
            )
        states[state] = states.get(state, 0) + 1
    lines = [f"proposals: a demo call with {sum(states.values())} proposals ({', '.join(sorted(states))})"]
    if facility is not None:
        lines.append(_held_round(coordinator, organiser, group, reviewers, talents[-1], facility))
    return lines


HELD_CALL_NAME = "市民提案講座（デモ）前回募集・実施済み"
# (satisfaction, would join again, would teach, comment): the answers of the held lecture's survey.
SURVEY_ANSWERS = [
    (5, "yes", "yes", "身近な題材で、すぐに家でも試せました。"),
    (4, "yes", "maybe", "もう少し実習の時間がほしかったです。"),
    (5, "yes", "no", ""),
]


def _held_round(
    coordinator: User,
    organiser: User,
    group: CommunityGroup,
    reviewers: list[User],
    talent: TalentProfile,
    facility: Facility,
) -> str:
    """A past round with one lecture held: participants who came, survey answers, an accepted report.

    The call is opened so the proposal can be submitted, then closed in the past, as the round would be."""
    today = timezone.localdate()
    call = services.call_create(
        actor=coordinator,
        name=HELD_CALL_NAME,
        term=ProposalCall.Term.SECOND,
        opens_on=today - timedelta(days=200),
        closes_on=today,
        lectures_from=today - timedelta(days=120),
        lectures_until=today - timedelta(days=20),
        min_members=5,
        sessions_min=2,
        sessions_max=5,
        hours_per_session_max=Decimal("2.0"),
        fee_max_per_person=500,
        themes="地域課題（防災・子育て・高齢者の暮らし）",
        honorarium_budget=100000,
        lectures_funded=4,
    )
    proposal = services.proposal_create(
        call=call,
        actor=organiser,
        kind=Proposal.Kind.GROUP,
        group=group,
        sessions=OUTLINES[:2],
        representative=organiser.full_name or "代表",
        contact_name=organiser.full_name or "連絡担当",
        contact_email=organiser.email,
        members_count=15,
        members_in_city=13,
        title="親子で学ぶ防災クッキング",
        aim="停電や断水のときにも作れる料理を、親子で実際に作って覚える。",
        lecturer_talent=talent,
        lecturer_status=Proposal.LecturerStatus.REQUESTED,
        honorarium_planned=20000,
        hours_per_session=Decimal("2.0"),
        fee_per_person=300,
        capacity=12,
        audience="市内在住の小学生と保護者",
        appeal="ポリ袋調理やカセットコンロの使い方を実習します。",
    )
    proposal = services.proposal_submit(proposal=proposal, actor=organiser)
    for reviewer in reviewers:
        review = services.review_assign(proposal=proposal, reviewer=reviewer, actor=coordinator)
        services.review_submit(
            review=review, actor=reviewer, conflict=False, pioneering=4, public_benefit=5, feasibility=4, comment="良い"
        )
    services.proposal_decide(
        proposal=proposal, actor=coordinator, decision="accept", reason="防災と子育ての両方に資する。"
    )
    zone = timezone.get_current_timezone()
    days = [today - timedelta(days=60), today - timedelta(days=53)]
    program = services.proposal_schedule(
        proposal=proposal,
        actor=coordinator,
        sessions=[
            SessionTimes(
                starts_at=datetime.combine(day, time(10), tzinfo=zone),
                ends_at=datetime.combine(day, time(12), tzinfo=zone),
            )
            for day in days
        ],
        facility=facility,
        capacity=12,
    )
    services.call_update(call=call, actor=coordinator, closes_on=today - timedelta(days=150))
    program = program_services.program_publish(program=program, actor=coordinator)
    # Five residents registered at the desk before the first session; four came to both sessions.
    before = datetime.combine(days[0] - timedelta(days=10), time(9), tzinfo=zone)
    registrations: list[Registration] = []
    for n in range(5):
        email = f"loop-learner-{n + 1:02d}@{DEMO_DOMAIN}"
        person = User.objects.filter(email=email).first() or User.objects.create_user(
            email,
            None,
            full_name=f"受講 {n + 1:02d}",
            full_name_kana=f"じゅこう {n + 1:02d}",
            lives_in_city=True,
            email_verified_at=timezone.now(),
        )
        registrations.append(
            registration_submit_on_behalf(
                program=program,
                actor=coordinator,
                channel=Registration.Channel.DESK,
                full_name=person.full_name,
                phone=f"042-000-10{n:02d}",
                user=person,
                consent=True,
                lives_in_city=True,
                now=before,
            )
        )
    for registration in registrations[:4]:
        for session in program.sessions.order_by("starts_at"):
            attendance_record(session=session, registration=registration, actor=coordinator, now=session.starts_at)
    services.survey_send(proposal_id=proposal.pk)
    tokens = SurveyInvitation.objects.filter(proposal=proposal).order_by("pk").values_list("token", flat=True)
    for token, (satisfaction, again, teach, comment) in zip(tokens, SURVEY_ANSWERS, strict=False):
        services.survey_answer(
            token=token, satisfaction=satisfaction, join_again=again, would_teach=teach, comment=comment
        )
    report = services.report_file(
        proposal=proposal,
        actor=organiser,
        content="全2回。1回目は非常食の基礎と備蓄、2回目はポリ袋調理の実習。",
        outcomes="参加した親子全員が1品を作り、家庭の備蓄を見直すきっかけになった。",
        income=1200,
        spending=21500,
        money_note="教材費300円×4人、講師謝礼20,000円、食材費1,500円。",
        self_evaluation=4,
        self_evaluation_note="実習の時間がやや短かった。",
        next_steps="秋に続編（防災キャンプ）を企画したい。",
    )
    services.report_accept(report=report, actor=coordinator)
    # The loop closes: a participant who came, and said they would like to teach, joins the talent bank.
    learner = registrations[0].user
    category = Category.objects.filter(major="家庭生活・趣味").order_by("pk").first() or Category.objects.first()
    if learner is not None and category is not None:
        card = talent_services.talent_register(
            actor=learner,
            declared_adult=True,
            declared_no_misuse=True,
            categories=[category],
            areas=list(Area.objects.order_by("pk")[:1]),
            name=learner.full_name,
            name_kana=learner.full_name_kana,
            teaches="ポリ袋調理など、停電時にも作れる家庭料理。",
            free_of_charge=True,
            contact_email=learner.email,
        )
        talent_services.talent_approve(talent=card, actor=coordinator)
    return (
        "proposals: a past round with a held lecture, its survey answers, an accepted report, "
        "and a participant who became a talent"
    )
