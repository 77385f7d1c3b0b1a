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
from manabiba.facilities.models import Facility
from manabiba.programs.services import SessionTimes
from manabiba.proposals import services
from manabiba.proposals.models import Proposal, ProposalCall
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
    return [f"proposals: a demo call with {sum(states.values())} proposals ({', '.join(sorted(states))})"]
