"""Demo support requests: one split across three departments with one part answered, and a closed
one published as a case study. Made through the services, as the group and the city would; a second
run finds them by their titles and changes nothing. Run after the demo accounts and groups exist."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from manabiba.accounts.models import Department, User
from manabiba.communities.models import CommunityGroup, Membership
from manabiba.support import services
from manabiba.support.models import SupportRequest

DEMO_DOMAIN = "demo.manabiba.jp"
ORGANISER_EMAIL = f"group-organiser@{DEMO_DOMAIN}"
COORDINATOR_EMAIL = f"coordinator@{DEMO_DOMAIN}"
OPEN_TITLE = "親子で楽しむ夏の読み聞かせ会（デモ）"
CASE_TITLE = "町内防災ウォーク（デモ）"
# The demo department staff work in 社会教育課, so their workspace shows the open part they hold.
PARTS = (
    ("公民館", "venue", "和室か講座室を一日確保してください。"),
    ("秘書広報課", "publicity", "市報の催し欄への掲載をお願いします。"),
    ("社会教育課", "lecturer", "講師の候補を紹介してください。"),
)


# Departments the demo needs that the reference list (accounts/reference/departments.csv) lacks.
DEMO_DEPARTMENTS_EN = {"危機管理課": "Crisis Management Division"}


def _department(name: str) -> Department:
    department = Department.objects.filter(name=name).first()
    return department or Department.objects.create(name=name, name_en=DEMO_DEPARTMENTS_EN.get(name, ""))


def _owner_group(owner: User) -> CommunityGroup:
    group = (
        CommunityGroup.objects.filter(memberships__user=owner, status=CommunityGroup.Status.APPROVED)
        .order_by("pk")
        .first()
    )
    if group is None:
        raise RuntimeError("Create the demo groups before the demo support requests.")
    return group


def _open_request(owner: User, coordinator: User) -> SupportRequest:
    today = timezone.localdate()
    request = services.support_request_submit(
        actor=owner,
        group=_owner_group(owner),
        title=OPEN_TITLE,
        kinds=["venue", "publicity", "lecturer"],
        description=(
            "夏休みに親子向けの読み聞かせ会を開きたいと考えています。\n"
            "30人ほどが入れる部屋、市報での告知、絵本の専門家の講師をご紹介いただけないでしょうか。"
        ),
        starts_on=today + timedelta(days=45),
        contact_phone="042-000-1111",
        language="ja",
    )
    venue, _publicity, _lecturer = services.support_request_split(
        request=request,
        actor=coordinator,
        parts=[
            services.TaskSpec(department=_department(name), kind=kind, instructions=instructions)
            for name, kind, instructions in PARTS
        ],
    )
    services.support_staff_message(
        request=request, actor=coordinator, body="講師は人材バンクの登録者から探しています。", internal=True
    )
    services.support_task_update(
        task=venue,
        actor=coordinator,
        status="done",
        answer="ひばりが丘公民館の講座室（定員36人）を当日10時から16時まで確保しました。",
    )
    services.support_group_message(
        request=request, body="ありがとうございます。当日の机の配置も相談できますか。", author=owner
    )
    return request


def _case_request(coordinator: User) -> SupportRequest:
    group = CommunityGroup.objects.filter(kind=CommunityGroup.Kind.NEIGHBOURHOOD, status="approved").first()
    membership = Membership.objects.filter(group=group, role=Membership.Role.OWNER).select_related("user").first()
    if group is None or membership is None:
        raise RuntimeError("The demo support requests need the demo neighbourhood association.")
    owner = membership.user
    request = services.support_request_submit(
        actor=owner,
        group=group,
        title=CASE_TITLE,
        kinds=["safety", "publicity"],
        description="町内の避難経路を歩いて確かめる催しに、防災の助言と周知の協力をお願いします。",
        starts_on=timezone.localdate() - timedelta(days=40),
        language="ja",
    )
    safety, publicity = services.support_request_split(
        request=request,
        actor=coordinator,
        parts=[
            services.TaskSpec(department=_department("危機管理課"), kind="safety"),
            services.TaskSpec(department=_department("秘書広報課"), kind="publicity"),
        ],
    )
    services.support_task_update(
        task=safety, actor=coordinator, status="done", answer="防災担当職員が当日同行し、避難所の説明をします。"
    )
    services.support_task_update(
        task=publicity, actor=coordinator, status="done", answer="市ホームページの地域の催しに掲載しました。"
    )
    services.support_request_close(request=request, actor=coordinator)
    services.support_case_consent(request=request, actor=owner, consent=True)
    services.support_case_publish(
        request=request,
        actor=coordinator,
        title="町会の防災ウォークに、防災担当と広報が協力",
        summary=(
            "町会が避難経路を歩いて確かめる催しを企画し、一度の依頼で二つの課の協力を得ました。"
            "危機管理課の職員が同行して避難所を説明し、秘書広報課が市のホームページで周知しました。"
        ),
    )
    # Asked some weeks ago and closed since, as such a case would be.
    SupportRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(days=60))
    return request


@transaction.atomic
def demo_support_seed() -> list[str]:
    """Returns lines for ``seed_demo`` to print."""
    people = {u.email: u for u in User.objects.filter(email__in=[ORGANISER_EMAIL, COORDINATOR_EMAIL])}
    if len(people) < 2:
        raise RuntimeError("Create the demo accounts before the demo support requests.")
    owner, coordinator = people[ORGANISER_EMAIL], people[COORDINATOR_EMAIL]
    made = []
    if not SupportRequest.objects.filter(title=OPEN_TITLE).exists():
        made.append(_open_request(owner, coordinator).reference)
    if not SupportRequest.objects.filter(title=CASE_TITLE).exists():
        made.append(_case_request(coordinator).reference)
    total = SupportRequest.objects.filter(title__in=[OPEN_TITLE, CASE_TITLE]).count()
    return [f"demo support requests: {len(made)} made, {total} in all"]
