"""The full-text engine under SearchEntry: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL.

Each database gets only its own; the other's operations do nothing. The terms are already
tokenised and normalised by manabiba.core.japanese, so the engines only split at spaces.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE core_searchentry_fts USING fts5(
        title_terms, body_terms, venue_terms, bigrams,
        content='core_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER core_searchentry_fts_insert AFTER INSERT ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(rowid, title_terms, body_terms, venue_terms, bigrams)
        VALUES (new.id, new.title_terms, new.body_terms, new.venue_terms, new.bigrams);
    END
    """,
    """
    CREATE TRIGGER core_searchentry_fts_delete AFTER DELETE ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, title_terms, body_terms, venue_terms, bigrams)
        VALUES ('delete', old.id, old.title_terms, old.body_terms, old.venue_terms, old.bigrams);
    END
    """,
    """
    CREATE TRIGGER core_searchentry_fts_update AFTER UPDATE ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, title_terms, body_terms, venue_terms, bigrams)
        VALUES ('delete', old.id, old.title_terms, old.body_terms, old.venue_terms, old.bigrams);
        INSERT INTO core_searchentry_fts(rowid, title_terms, body_terms, venue_terms, bigrams)
        VALUES (new.id, new.title_terms, new.body_terms, new.venue_terms, new.bigrams);
    END
    """,
    # Entries written before this migration (none in practice) are picked up too.
    "INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_searchentry_fts_update",
    "DROP TRIGGER IF EXISTS core_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS core_searchentry_fts_insert",
    "DROP TABLE IF EXISTS core_searchentry_fts",
]

# Weights: A title, B body, C venue, D bigrams. 'simple' only lower-cases; the parser splits
# at the spaces between terms (core.japanese.search_term keeps letters and digits only).
POSTGRESQL_FORWARD = [
    """
    ALTER TABLE core_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_terms), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_terms), 'B')
        || setweight(to_tsvector('simple'::regconfig, venue_terms), 'C')
        || setweight(to_tsvector('simple'::regconfig, bigrams), 'D')
    ) STORED
    """,
    "CREATE INDEX core_searchentry_vector_gin ON core_searchentry USING gin (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS core_searchentry_vector_gin",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_searchentry"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
            elidable=False,
        ),
    ]
