from django.core.mail import send_mail

from tests.conftest import SmtpServer


def test_mail_sent_over_smtp_arrives_with_japanese_subject_and_body_intact(smtp_server: SmtpServer) -> None:
    sent = send_mail(
        subject="【学び場】講座のお申し込みを受け付けました",
        message="市民 花子 様\n\n「はじめての俳句教室」第1回は10月5日14時からです。\nお気をつけてお越しください。",
        from_email="学び場 <noreply@manabiba.example.jp>",
        recipient_list=["市民 花子 <resident@example.jp>"],
    )

    assert sent == 1
    [message] = smtp_server.to("resident@example.jp")
    # Django folds a long encoded subject onto the next line; unfolding leaves a leading space
    # that mail clients ignore, so it is not part of what the reader sees.
    assert message["Subject"].strip() == "【学び場】講座のお申し込みを受け付けました"
    assert message["From"].addresses[0].display_name == "学び場"
    assert message["To"].addresses[0].display_name == "市民 花子"
    body = smtp_server.body(message)
    assert "「はじめての俳句教室」第1回は10月5日14時からです。" in body
    assert body.startswith("市民 花子 様")


def test_catcher_keeps_every_message_in_order(smtp_server: SmtpServer) -> None:
    send_mail("一通目", "本文一", "noreply@manabiba.example.jp", ["a@example.jp"])
    send_mail("二通目", "本文二", "noreply@manabiba.example.jp", ["b@example.jp"])

    assert [m["Subject"] for m in smtp_server.messages] == ["一通目", "二通目"]
    assert smtp_server.body(smtp_server.to("b@example.jp")[0]).strip() == "本文二"
