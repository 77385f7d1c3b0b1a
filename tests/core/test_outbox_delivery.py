"""The outbox when the mail server goes down and comes back, with senders that crash or race."""

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone, translation

from manabiba.accounts.models import User
from manabiba.core.mail import (
    LEASE,
    MAX_ATTEMPTS,
    backoff,
    mail_render,
    outbox_deliver,
    outbox_enqueue,
    outbox_retry_due,
    outbox_sweep,
)
from manabiba.core.models import AuditEntry, OutboxMessage
from tests.conftest import SmtpServer

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Manabiba//JA\r\nBEGIN:VEVENT\r\n"
    "UID:program-17@manabiba.example.jp\r\nSUMMARY:はじめての俳句教室\r\n"
    "DTSTART:20261005T050000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()


def send_outbox(*options: str) -> list[str]:
    out = StringIO()
    call_command("send_outbox", *options, stdout=out)
    return out.getvalue().splitlines()


def register(make_persona: Callable[..., User], email: str) -> OutboxMessage:
    """A registration-like change: a person is written, and their confirmation with it."""
    with transaction.atomic():
        person = make_persona(email=email, full_name="市民 花子")
        return outbox_enqueue(
            to=person.email,
            subject="【学び場】お申し込みを受け付けました",
            body=f"{person.full_name} 様\n\n第1回は10月5日14時からです。",
            attachments=[("haiku.ics", ICS, "text/calendar")],
            language="ja",
        )


@pytest.mark.django_db
def test_a_confirmation_goes_out_with_its_calendar_file_language_and_a_message_id(
    smtp_server: SmtpServer, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = outbox_enqueue(
            to="hanako@example.jp",
            subject="お申し込みを受け付けました",
            body="第1回は10月5日です。",
            attachments=[("haiku.ics", ICS, "text/calendar"), ("持ち物.txt", "筆記用具", "text/plain")],
            language="ja",
        )

    (sent,) = smtp_server.to("hanako@example.jp")
    assert "第1回は10月5日です。" in smtp_server.body(sent)
    files = {part.get_filename(): part for part in sent.iter_attachments()}
    assert set(files) == {"haiku.ics", "持ち物.txt"}
    assert files["haiku.ics"].get_content_type() == "text/calendar"
    assert files["haiku.ics"].get_content().replace("\r\n", "\n") == ICS.decode().replace("\r\n", "\n")
    assert files["持ち物.txt"].get_content().strip() == "筆記用具"
    assert sent["Content-Language"] == "ja"
    assert sent["Auto-Submitted"] == "auto-generated"
    message.refresh_from_db()
    assert sent["Message-ID"] == message.message_id
    assert message.status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_every_message_has_its_own_message_id_and_a_sane_attachment_is_required() -> None:
    first = outbox_enqueue(to="a@example.jp", subject="一", body="…")
    second = outbox_enqueue(to="b@example.jp", subject="二", body="…")

    assert first.message_id != second.message_id
    assert first.message_id.startswith("<")
    assert first.message_id.endswith("@manabiba.example.jp>")
    assert first.language == "ja"  # the site's language when the caller names none
    assert outbox_enqueue(to="c@example.jp", subject="抽選結果\r\n 市民　花子 様\n", body="…").subject == (
        "抽選結果 市民　花子 様"
    )
    with pytest.raises(ValueError, match="MIME type"):
        outbox_enqueue(to="a@example.jp", subject="三", body="…", attachments=[("a.ics", b"", "calendar")])


@pytest.mark.django_db
def test_mail_render_renders_subject_and_body_in_the_language_asked_for() -> None:
    person = User(email="hanako@example.jp", full_name="市民 花子")
    context = {"user": person, "link": "https://manabiba.example.jp/verify/abc"}

    with translation.override("en"):
        subject_ja, body_ja = mail_render(template="accounts/mail/verify_email", context=context, language="ja")
        subject_en, body_en = mail_render(template="accounts/mail/verify_email", context=context, language="en")
        assert translation.get_language() == "en"

    assert subject_ja == "メールアドレスの確認をお願いします - 学び場"
    assert subject_en == "Please confirm your e-mail address - Manabiba"
    assert "https://manabiba.example.jp/verify/abc" in body_ja
    assert "Dear 市民 花子," in body_en
    assert "Dear" not in body_ja


@pytest.mark.django_db
def test_mail_written_while_the_server_is_down_arrives_exactly_once_after_it_is_back(
    smtp_server: SmtpServer,
    make_persona: Callable[..., User],
    django_capture_on_commit_callbacks: CaptureCallbacks,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    smtp_server.stop()

    with django_capture_on_commit_callbacks(execute=True):
        message = register(make_persona, "hanako@example.jp")

    # The task tried at once, failed, and set the next attempt two minutes on.
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == timezone.now() + backoff(1) == timezone.now() + timedelta(minutes=2)

    # Still down when the backoff has passed: the attempt fails and waits twice as long.
    time_machine.move_to(message.next_attempt_at, tick=False)
    assert send_outbox()[0] == "0 sent, 1 to retry, 0 given up"
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == timezone.now() + timedelta(minutes=4)

    smtp_server.start()
    assert send_outbox()[0] == "0 sent, 0 to retry, 0 given up"  # the backoff has not passed yet
    assert smtp_server.messages == []

    time_machine.move_to(message.next_attempt_at, tick=False)
    lines = send_outbox()
    assert lines[0] == "1 sent, 0 to retry, 0 given up"
    assert lines[1] == "outbox: pending 0, sending 0, sent 1, failed 0"
    assert send_outbox()[0] == "0 sent, 0 to retry, 0 given up"
    assert outbox_deliver(message_id=message.pk) is True  # a late task finds it sent

    (sent,) = smtp_server.messages
    assert sent["To"] == "hanako@example.jp"
    assert [part.get_filename() for part in sent.iter_attachments()] == ["haiku.ics"]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxMessage.Status.SENT, 3, "")
    assert sent["Message-ID"] == message.message_id


@pytest.mark.django_db
def test_mail_is_given_up_after_the_last_attempt_with_the_reason_and_can_be_requeued(
    smtp_server: SmtpServer, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    smtp_server.stop()
    message = outbox_enqueue(to="taro@example.jp", subject="抽選結果", body="当選しました。")

    waited = timedelta()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        message.refresh_from_db()
        time_machine.move_to(message.next_attempt_at, tick=False)
        expected = "0 sent, 0 to retry, 1 given up" if attempt == MAX_ATTEMPTS else "0 sent, 1 to retry, 0 given up"
        assert send_outbox()[0] == expected
        waited += backoff(attempt) if attempt < MAX_ATTEMPTS else timedelta()

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == MAX_ATTEMPTS
    assert "ConnectionRefusedError" in message.last_error
    assert waited == timedelta(minutes=2 + 4 + 8 + 16 + 32 + 64 + 128)

    time_machine.move_to(timezone.now() + timedelta(days=1), tick=False)
    lines = send_outbox()
    assert lines[0] == "0 sent, 0 to retry, 0 given up"  # a failed mail is not tried again by itself
    assert "failed 1" in lines[1]
    assert "--requeue-failed" in lines[2]

    smtp_server.start()
    lines = send_outbox("--requeue-failed", str(message.pk))
    assert lines[0] == f"1 requeued: {message.pk}"
    assert lines[1] == "1 sent, 0 to retry, 0 given up"
    assert len(smtp_server.to("taro@example.jp")) == 1
    assert send_outbox("--requeue-failed")[0] == "0 requeued"
    entry = AuditEntry.objects.get(action="core.outbox.requeued")
    assert entry.data == {"messages": [message.pk]}


@pytest.mark.django_db
def test_a_sender_that_died_before_sending_is_replaced_once_its_lease_expires(
    smtp_server: SmtpServer, time_machine: time_machine.TimeMachineFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    message = outbox_enqueue(to="hanako@example.jp", subject="繰り上げのお知らせ", body="…")

    def die(*args: object) -> None:
        raise KeyboardInterrupt  # the worker is killed between claiming and sending

    with monkeypatch.context() as patched:
        patched.setattr("manabiba.core.mail._email", die)
        with pytest.raises(KeyboardInterrupt):
            outbox_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENDING
    assert message.lease_expires_at == timezone.now() + LEASE
    assert outbox_deliver(message_id=message.pk) is False  # claimed by the dead sender
    time_machine.move_to(message.lease_expires_at - timedelta(seconds=1), tick=False)
    assert outbox_retry_due() == 0  # the lease still holds
    time_machine.move_to(message.lease_expires_at, tick=False)
    assert outbox_retry_due() == 1
    assert outbox_retry_due() == 0

    assert len(smtp_server.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.claim_token) == (OutboxMessage.Status.SENT, 2, "")


@pytest.mark.django_db
def test_a_sender_that_died_after_the_server_accepted_sends_again_with_the_same_message_id(
    smtp_server: SmtpServer, time_machine: time_machine.TimeMachineFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented window of at-least-once delivery: the duplicate can be recognised."""
    time_machine.move_to(timezone.now(), tick=False)
    message = outbox_enqueue(to="hanako@example.jp", subject="当選のお知らせ", body="…")

    def die(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr("manabiba.core.mail._mark_sent", die)
        with pytest.raises(KeyboardInterrupt):
            outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    time_machine.move_to(message.lease_expires_at, tick=False)
    assert outbox_retry_due() == 1

    first, second = smtp_server.messages
    assert first["Message-ID"] == second["Message-ID"] == message.message_id


@pytest.mark.django_db
def test_a_sender_that_died_during_the_last_attempt_is_given_up_with_a_reason(
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    now = timezone.now()
    message = outbox_enqueue(to="hanako@example.jp", subject="…", body="…")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING, attempts=MAX_ATTEMPTS, claim_token="x" * 32, lease_expires_at=now
    )

    assert outbox_sweep().given_up == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert "may or may not have been delivered" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_no_lock_is_held_on_the_message_while_the_mail_server_is_talking(smtp_server: SmtpServer) -> None:
    message = outbox_enqueue(to="hanako@example.jp", subject="…", body="…")  # delivered at once on commit
    smtp_server.messages.clear()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.PENDING)
    results: list[bool] = []

    def sender() -> None:
        try:
            results.append(outbox_deliver(message_id=message.pk))
        finally:
            connection.close()

    with smtp_server.holding() as arrived:
        thread = threading.Thread(target=sender)
        thread.start()
        assert arrived.wait(10), "the sender never reached the mail server"
        # Another connection can lock and write the row while the sender waits on SMTP.
        with transaction.atomic():
            claimed = OutboxMessage.objects.select_for_update(nowait=True).get(pk=message.pk)
            OutboxMessage.objects.filter(pk=message.pk).update(updated_at=timezone.now())
        assert claimed.status == OutboxMessage.Status.SENDING
        assert claimed.lease_expires_at is not None
    thread.join(20)

    assert results == [True]
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_retrying_the_same_due_mail_deliver_each_exactly_once(
    smtp_server: SmtpServer, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    smtp_server.stop()
    messages = [outbox_enqueue(to=f"person{n:02d}@example.jp", subject=f"抽選結果 {n}", body="…") for n in range(24)]
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}  # each tried once, on commit

    smtp_server.start()
    time_machine.move_to(timezone.now() + backoff(1), tick=False)
    start = threading.Barrier(2)
    sent: list[int] = []
    interrupted: list[bool] = []
    errors: list[BaseException] = []

    def sweep_until_done() -> None:
        # The SQLite test database lives in memory with a shared cache, where a query that meets
        # another connection's write is refused at once ("database table is locked") instead of
        # waiting out the busy timeout as on the WAL file used outside tests. A refused read or
        # claim changed nothing, so the worker runs its sweep again, as the next timer run would.
        for _ in range(200):
            try:
                sent.append(outbox_retry_due())
            except OperationalError as error:
                if connection.vendor != "sqlite" or "locked" not in str(error):
                    raise
                interrupted.append(True)
                time.sleep(random.uniform(0.005, 0.02))
            else:
                return
        raise AssertionError("still locked after 200 sweeps")

    def worker() -> None:
        try:
            close_old_connections()
            start.wait(10)
            sweep_until_done()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    # An interrupted sweep's count is lost with it; otherwise the two counts add up exactly.
    assert sum(sent) == len(messages) if not interrupted else sum(sent) <= len(messages)
    received = Counter(str(m["Message-ID"]) for m in smtp_server.messages)
    assert received == Counter({m.message_id: 1 for m in OutboxMessage.objects.all()})
    assert len(received) == len(messages)
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxMessage.Status.SENT, 2)}
