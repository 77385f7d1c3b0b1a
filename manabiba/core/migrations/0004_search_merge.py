"""Joins the two migrations that followed 0003: the outbox's and the search index's."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_outbox_attachments_lease"),
        ("core", "0004_search_rank_key"),
    ]

    operations: list[migrations.operations.base.Operation] = []
