"""The full-text index over SearchEntry.terms (and its kind, to filter without a join):
an FTS5 table kept in step by triggers on SQLite; on PostgreSQL a stored generated
tsvector column (ranking reads it instead of re-parsing every matched row) with a GIN
index."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE matching_fts USING fts5(terms, kind, content='matching_searchentry', "
    "content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER matching_fts_ai AFTER INSERT ON matching_searchentry BEGIN "
    "INSERT INTO matching_fts(rowid, terms, kind) VALUES (new.id, new.terms, new.kind); END",
    "CREATE TRIGGER matching_fts_ad AFTER DELETE ON matching_searchentry BEGIN "
    "INSERT INTO matching_fts(matching_fts, rowid, terms, kind) VALUES ('delete', old.id, old.terms, old.kind); END",
    "CREATE TRIGGER matching_fts_au AFTER UPDATE ON matching_searchentry BEGIN "
    "INSERT INTO matching_fts(matching_fts, rowid, terms, kind) VALUES ('delete', old.id, old.terms, old.kind); "
    "INSERT INTO matching_fts(rowid, terms, kind) VALUES (new.id, new.terms, new.kind); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS matching_fts_au",
    "DROP TRIGGER IF EXISTS matching_fts_ad",
    "DROP TRIGGER IF EXISTS matching_fts_ai",
    "DROP TABLE IF EXISTS matching_fts",
]
PG_UP = [
    "ALTER TABLE matching_searchentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, terms)) STORED",
    "CREATE INDEX matching_searchentry_fts ON matching_searchentry USING gin (tsv)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS matching_searchentry_fts",
    "ALTER TABLE matching_searchentry DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
