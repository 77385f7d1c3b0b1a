"""The outbox learns attachments, the recipient's language, a stable Message-ID and claims.

Existing rows get a Message-ID of their own before the column becomes unique.
"""

from typing import Any

from django.db import migrations, models

import manabiba.core.models


def give_each_message_an_id(apps: Any, schema_editor: Any) -> None:
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    for message in OutboxMessage.objects.filter(message_id__isnull=True).only("pk"):
        message.message_id = manabiba.core.models.outbox_message_id()
        message.save(update_fields=["message_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_searchentry_engines"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="attachments",
            field=models.JSONField(blank=True, default=list, verbose_name="attachments"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="language",
            field=models.CharField(blank=True, max_length=10, verbose_name="language"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="reply_to",
            field=models.EmailField(blank=True, max_length=254, verbose_name="reply to"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="claim_token",
            field=models.CharField(blank=True, max_length=32, verbose_name="claim token"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="lease_expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="lease expires at"),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="status",
            field=models.CharField(
                choices=[("pending", "pending"), ("sending", "sending"), ("sent", "sent"), ("failed", "failed")],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="message_id",
            field=models.CharField(max_length=255, null=True, verbose_name="Message-ID"),
        ),
        migrations.RunPython(give_each_message_an_id, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="outboxmessage",
            name="message_id",
            field=models.CharField(
                default=manabiba.core.models.outbox_message_id, max_length=255, unique=True, verbose_name="Message-ID"
            ),
        ),
    ]
