"""Cheaper ranking: the search engines answer each ranking tier from their indexes alone.

SQLite: the FTS5 table becomes contentless and its rowid becomes the entry's rank key,
(start in Unix seconds << 28) | entry id (undated entries last), so that a tier's matches come
out of the index soonest first and reading stops at the LIMIT (manabiba.core.search).

PostgreSQL: each lexeme carries its field as a one-letter prefix (t title, b body, v venue,
g bigrams) instead of a weight. A GIN index answers a query with weights only by re-reading
every candidate's tsvector; without weights (and phrases) it answers from the index. The long
columns are stored out of line so that the rows the index points at are narrow.

No B-tree index on starts_at, on purpose: PostgreSQL's planner would walk it and test every
entry's vector instead of asking the GIN index (manabiba.core.search).
"""

import importlib

from django.db import migrations

_previous = importlib.import_module("manabiba.core.migrations.0003_searchentry_engines")

# unixepoch() needs SQLite 3.38. Seconds since 1970 fit in 34 bits until the year 2514; entry ids in the other 28.
RANK_KEY = """((COALESCE(MIN(MAX(unixepoch({row}.starts_at), 0), 17179869182),
    17179869183) << 28) | {row}.id)"""
COLUMNS = "title_terms, body_terms, venue_terms, bigrams"


def _values(row: str) -> str:
    return f"{row}.title_terms, {row}.body_terms, {row}.venue_terms, {row}.bigrams"


SQLITE_FORWARD = [
    *_previous.SQLITE_BACKWARD,
    f"""
    CREATE VIRTUAL TABLE core_searchentry_fts USING fts5(
        {COLUMNS}, content='', tokenize='unicode61 remove_diacritics 0'
    )
    """,
    f"""
    CREATE TRIGGER core_searchentry_fts_insert AFTER INSERT ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(rowid, {COLUMNS})
        VALUES ({RANK_KEY.format(row="new")}, {_values("new")});
    END
    """,  # noqa: S608 - fixed text, no input
    f"""
    CREATE TRIGGER core_searchentry_fts_delete AFTER DELETE ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, {COLUMNS})
        VALUES ('delete', {RANK_KEY.format(row="old")}, {_values("old")});
    END
    """,  # noqa: S608 - fixed text, no input
    f"""
    CREATE TRIGGER core_searchentry_fts_update AFTER UPDATE ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, {COLUMNS})
        VALUES ('delete', {RANK_KEY.format(row="old")}, {_values("old")});
        INSERT INTO core_searchentry_fts(rowid, {COLUMNS})
        VALUES ({RANK_KEY.format(row="new")}, {_values("new")});
    END
    """,  # noqa: S608 - fixed text, no input
    # Maps an FTS5 rowid's entry id to the kind and object id without reading the wide row.
    "CREATE INDEX core_searchentry_rank_lookup ON core_searchentry (id, kind, object_id)",
    f"""
    INSERT INTO core_searchentry_fts(rowid, {COLUMNS})
    SELECT {RANK_KEY.format(row="e")}, {_values("e")} FROM core_searchentry e
    """,  # noqa: S608 - fixed text, no input
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS core_searchentry_rank_lookup",
    "DROP TRIGGER IF EXISTS core_searchentry_fts_update",
    "DROP TRIGGER IF EXISTS core_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS core_searchentry_fts_insert",
    "DROP TABLE IF EXISTS core_searchentry_fts",
    *_previous.SQLITE_FORWARD,
]


def _prefixed(column: str, letter: str) -> str:
    return rf"to_tsvector('simple'::regconfig, regexp_replace({column}, '(\S+)', '{letter}\1', 'g'))"


POSTGRESQL_FORWARD = [
    *_previous.POSTGRESQL_BACKWARD,
    # Long terms and the vector go out of line (TOAST), so that the rows a GIN match points at
    # are narrow and a tier's object ids and starts are read from few pages. The column added
    # below rewrites the table with this setting.
    "ALTER TABLE core_searchentry SET (toast_tuple_target = 128)",
    f"""
    ALTER TABLE core_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        {_prefixed("title_terms", "t")}
        || {_prefixed("body_terms", "b")}
        || {_prefixed("venue_terms", "v")}
        || {_prefixed("bigrams", "g")}
    ) STORED
    """,
    "CREATE INDEX core_searchentry_vector_gin ON core_searchentry USING gin (search_vector)",
]
POSTGRESQL_BACKWARD = [
    *_previous.POSTGRESQL_BACKWARD,
    "ALTER TABLE core_searchentry RESET (toast_tuple_target)",
    *_previous.POSTGRESQL_FORWARD,
]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_searchentry_engines"),
    ]

    operations = [
        migrations.RunPython(
            _previous._run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _previous._run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
            elidable=False,
        ),
    ]
