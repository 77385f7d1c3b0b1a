import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from manabiba.accounts.models import Department, User
from manabiba.accounts.roles import Role
from manabiba.consultations.models import CannedReply, Channel, Consultation, Message
from manabiba.consultations.services import consultation_assign, consultation_reply
from manabiba.core.models import OutboxMessage
from manabiba.programs.factories import ProgramFactory

from .steps import send_question

pytestmark = pytest.mark.django_db
Ask = Callable[..., Consultation]
TOKYO = ZoneInfo("Asia/Tokyo")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_guest_asks_confirms_by_mail_and_follows_the_thread(client: Client) -> None:
    form = client.get(reverse("consultations:ask"), **EN)
    assert form.status_code == 200
    response = send_question(
        client,
        {
            "topic": "group",
            "body": "写真のサークルを探しています",
            "reply_channel": "email",
            "preferred_times": "平日の夜",
            "name": "写真 好子",
            "email": "photo@example.jp",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:check_mail")
    consultation = Consultation.objects.get(email="photo@example.jp")
    link = re.search(r"http\S+/consultations/confirm/\S+/", OutboxMessage.objects.get(to="photo@example.jp").body)
    assert link is not None

    confirmed = client.get(link.group(0).split("127.0.0.1:8000", 1)[-1], follow=True, **EN)
    assert confirmed.redirect_chain[-1][0] == reverse("consultations:thread", args=[consultation.access_token])
    page = confirmed.content.decode()
    assert consultation.reference in page
    assert "写真のサークルを探しています" in page

    reply = client.post(reverse("consultations:thread", args=[consultation.access_token]), {"body": "追記です"})
    assert reply.status_code == 302
    assert consultation.messages.get().body == "追記です"


def test_the_form_explains_what_is_missing(client: Client) -> None:
    response = client.post(reverse("consultations:ask"), {"topic": "learn", "reply_channel": "phone"}, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page
    assert "Please give a phone number so that we can call you back." in page
    assert not Consultation.objects.exists()


def test_a_signed_in_resident_finds_the_consultation_on_their_page(client: Client, resident: User) -> None:
    client.force_login(resident)
    response = send_question(client, {"topic": "learn", "body": "書道", "reply_channel": "email"}, follow=True)
    consultation = Consultation.objects.get(resident=resident)
    assert response.redirect_chain[-1][0] == reverse("consultations:received")
    page = response.content.decode()
    assert consultation.reference in page
    assert reverse("consultations:detail", args=[consultation.reference]) in page
    assert consultation.reference in client.get(reverse("consultations:mine")).content.decode()


def test_the_resident_reads_the_status_of_their_own_question_as_theirs(
    client: Client, resident: User, coordinator: User
) -> None:
    client.force_login(resident)
    send_question(client, {"topic": "learn", "body": "書道", "reply_channel": "email"})
    consultation = Consultation.objects.get(resident=resident)
    ja = {"HTTP_ACCEPT_LANGUAGE": "ja"}
    assert "受付済み" in client.get(reverse("consultations:mine"), **ja).content.decode()
    consultation_reply(
        consultation=consultation, actor=coordinator, body="どの曜日がよいですか。", wait_for_resident=True
    )
    for url in (reverse("consultations:mine"), reverse("consultations:detail", args=[consultation.reference])):
        page = client.get(url, **ja).content.decode()
        # Not the staff's 「市民の方の返答待ち」, which speaks of the resident as someone else.
        assert "あなたのご返信待ち" in page, url
        assert "市民の方の返答待ち" not in page, url
    client.force_login(coordinator)
    assert (
        "市民の方の返答待ち" in client.get(reverse("staff_consultations:queue"), {"view": "all"}, **ja).content.decode()
    )


def test_desk_staff_log_a_counter_consultation_with_the_same_form(client: Client, desk_staff: User) -> None:
    client.force_login(desk_staff)
    assert client.get(reverse("staff_consultations:log")).status_code == 200
    response = client.post(
        reverse("staff_consultations:log"),
        {
            "channel": "counter",
            "topic": "lecturer",
            "body": "講師登録をしたい",
            "reply_channel": "desk",
            "name": "窓口 来子",
        },
    )
    consultation = Consultation.objects.get()
    assert response["Location"] == reverse("staff_consultations:detail", args=[consultation.pk])
    assert consultation.channel == Channel.COUNTER
    assert consultation.logged_by == desk_staff


def test_the_queue_says_a_phoned_consultation_came_by_phone_not_phone_number(
    client: Client, ask: Ask, coordinator: User
) -> None:
    phoned = ask(body="電話で受けた相談")
    Consultation.objects.filter(pk=phoned.pk).update(channel=Channel.PHONE)
    client.force_login(coordinator)
    page = client.get(reverse("staff_consultations:queue"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{phoned.reference}(?:(?!</tr>).)*</tr>", page, re.DOTALL)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.DOTALL)
    assert cells[-1].strip() == "電話"  # the column 受付方法; 「電話番号」 is the field's name


def test_the_queue_filters(client: Client, ask: Ask, coordinator: User, sports: Department, sports_staff: User) -> None:
    new = ask(body="新しい相談")
    routed = ask(email="b@example.jp")
    consultation_assign(consultation=routed, actor=coordinator, department=sports, assignee=sports_staff)
    waiting = ask(email="c@example.jp")
    consultation_reply(consultation=waiting, actor=coordinator, body="?", wait_for_resident=True)

    def shown(user: User, view: str) -> set[str]:
        client.force_login(user)
        page = client.get(reverse("staff_consultations:queue"), {"view": view}).content.decode()
        return {c.reference for c in (new, routed, waiting) if c.reference in page}

    assert shown(coordinator, "new") == {new.reference}
    assert shown(coordinator, "waiting") == {waiting.reference}
    assert shown(coordinator, "mine") == {waiting.reference}
    assert shown(sports_staff, "mine") == {routed.reference}
    assert shown(sports_staff, "department") == {routed.reference}
    assert shown(sports_staff, "all") == {routed.reference}


def test_staff_reply_page_finds_programmes_and_starts_from_a_canned_reply(
    client: Client, ask: Ask, coordinator: User
) -> None:
    consultation = ask()
    program = ProgramFactory(published=True, title="陶芸入門講座")
    canned = CannedReply.objects.create(title="挨拶", body="お問い合わせありがとうございます。")
    client.force_login(coordinator)
    url = reverse("staff_consultations:detail", args=[consultation.pk])

    page = client.get(url, {"program_q": "陶芸", "canned": canned.pk}).content.decode()
    assert "陶芸入門講座" in page
    assert "お問い合わせありがとうございます。" in page

    client.post(
        reverse("staff_consultations:reply", args=[consultation.pk]),
        {"body": "お問い合わせありがとうございます。", "programs": [program.pk]},
    )
    reply = consultation.messages.get(kind=Message.Kind.REPLY)
    assert list(reply.programs.all()) == [program]
    thread = client.get(reverse("consultations:thread", args=[consultation.access_token])).content.decode()
    assert reverse("programs:detail", args=[program.pk]) in thread


def test_the_coordinator_manages_canned_replies(client: Client, coordinator: User, sports_staff: User) -> None:
    client.force_login(sports_staff)
    assert client.get(reverse("staff_consultations:canned_list")).status_code == 403
    client.force_login(coordinator)
    client.post(
        reverse("staff_consultations:canned_new"),
        {"title": "講師登録", "topic": "lecturer", "body": "登録は…", "is_active": "on"},
    )
    canned = CannedReply.objects.get()
    assert canned.title == "講師登録"
    client.post(reverse("staff_consultations:canned_edit", args=[canned.pk]), {"delete": "1"})
    assert not CannedReply.objects.exists()


def test_figures_show_counts_median_and_share_on_time(
    client: Client, ask: Ask, coordinator: User, sports_staff: User
) -> None:
    start = datetime(2026, 5, 11, 10, 0, tzinfo=TOKYO)
    with time_machine.travel(start, tick=False):
        quick, slow, open_one = (
            ask(topic="learn"),
            ask(topic="learn", email="b@example.jp"),
            ask(topic="group", email="c@example.jp"),
        )
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        consultation_reply(consultation=quick, actor=coordinator, body="a")
    with time_machine.travel(start + timedelta(days=4, hours=2), tick=False):
        consultation_reply(consultation=slow, actor=coordinator, body="b")
    assert open_one.first_response_at is None
    client.force_login(sports_staff)
    assert client.get(reverse("staff_consultations:figures")).status_code == 403
    client.force_login(coordinator)
    with time_machine.travel(datetime(2026, 6, 2, 9, 0, tzinfo=TOKYO), tick=False):
        page = client.get(reverse("staff_consultations:figures"), {"months": "3"}, **EN).content.decode()
    assert "3 consultations received" in page
    assert "50.0 hours" in page  # the median of 2 h and 98 h
    assert "50% (1 of 2 answered)" in page
    assert "2026-05" in page
    assert "<svg" in page
    assert re.search(r"What to learn</th>\s*<td[^>]*>2</td>", page)


def test_purge_anonymises_old_answered_consultations_and_drops_unconfirmed_ones(
    ask: Ask, coordinator: User, settings: object
) -> None:
    settings.CONSULTATIONS_RETENTION_DAYS = 30  # type: ignore[attr-defined]
    start = datetime(2026, 1, 5, 10, 0, tzinfo=TOKYO)
    with time_machine.travel(start, tick=False):
        old = ask(body="古い相談")
        consultation_reply(consultation=old, actor=coordinator, body="古い回答")
        unconfirmed = ask(confirmed=False, email="never@example.jp")
        still_open = ask(email="open@example.jp")
        never_wrote_back = ask(email="silent@example.jp", body="返事をしない相談")
        consultation_reply(
            consultation=never_wrote_back, actor=coordinator, body="ご都合を教えてください", wait_for_resident=True
        )
    with time_machine.travel(start + timedelta(days=31), tick=False):
        call_command("consultations_purge", stdout=None)
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.email == old.name == old.body == ""
    assert old.messages.get().body == ""
    assert old.topic == "learn"  # the figures keep their counts
    assert not Consultation.objects.filter(pk=unconfirmed.pk).exists()
    still_open.refresh_from_db()
    assert still_open.anonymised_at is None
    # Waiting for a resident who never wrote back keeps nothing past the retention period either.
    never_wrote_back.refresh_from_db()
    assert never_wrote_back.anonymised_at is not None
    assert never_wrote_back.email == never_wrote_back.body == ""


def test_a_guest_cannot_use_the_form_to_mail_one_address_again_and_again(client: Client) -> None:
    question = {"topic": "learn", "body": "質問", "reply_channel": "email", "email": "target@example.jp"}
    statuses = [send_question(client, question).status_code for _n in range(6)]
    assert statuses == [302] * 5 + [429]
    assert OutboxMessage.objects.filter(to="target@example.jp").count() == 5


def test_the_queue_reads_a_fixed_number_of_queries(
    client: Client, ask: Ask, coordinator: User, sports: Department, sports_staff: User
) -> None:
    client.force_login(coordinator)
    url = reverse("staff_consultations:queue")

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for n in range(2):
        consultation_assign(
            consultation=ask(email=f"a{n}@example.jp"), actor=coordinator, department=sports, assignee=sports_staff
        )
    count()  # the first request of a session does more (the session itself)
    few = count()
    for n in range(6):
        consultation_assign(
            consultation=ask(email=f"b{n}@example.jp"), actor=coordinator, department=sports, assignee=sports_staff
        )
    assert count() == few


def test_a_signed_in_resident_cannot_flood_the_queue(
    client: Client, resident: User, make_persona: Callable[..., User], settings: SettingsWrapper
) -> None:
    settings.CONSULTATIONS_RESIDENT_ASKS_PER_DAY = 3
    client.force_login(resident)
    statuses = [
        send_question(
            client, {"topic": "learn", "body": f"質問{n}", "reply_channel": "email"}, REMOTE_ADDR=f"10.0.0.{n}"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [302] * 3
    # Another client address does not help: the limit is the account's.
    refused = send_question(
        client, {"topic": "learn", "body": "四つ目の質問", "reply_channel": "email"}, REMOTE_ADDR="10.0.0.9", **EN
    )
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "You have asked many questions today." in page
    assert "四つ目の質問" in page  # what was typed is kept
    assert Consultation.objects.filter(resident=resident).count() == 3
    # Someone else is not affected.
    other = make_persona(Role.RESIDENT, email="other-resident@example.jp")
    client.force_login(other)
    assert send_question(client, {"topic": "learn", "body": "別の人", "reply_channel": "email"}).status_code == 302
