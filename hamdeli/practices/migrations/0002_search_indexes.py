"""The keyword index, per database: an FTS5 table kept in step by triggers on SQLite; a GIN index over
to_tsvector('simple', search_text) on PostgreSQL. Other databases get neither (and no keyword search)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE practices_fts USING fts5(search_text, content='practices_practice', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER practices_fts_ai AFTER INSERT ON practices_practice BEGIN "
    "INSERT INTO practices_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER practices_fts_ad AFTER DELETE ON practices_practice BEGIN "
    "INSERT INTO practices_fts(practices_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER practices_fts_au AFTER UPDATE OF search_text ON practices_practice BEGIN "
    "INSERT INTO practices_fts(practices_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO practices_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO practices_fts(practices_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS practices_fts_ai", "DROP TRIGGER IF EXISTS practices_fts_ad",
                  "DROP TRIGGER IF EXISTS practices_fts_au", "DROP TABLE IF EXISTS practices_fts"]
POSTGRES = ["CREATE INDEX practices_practice_fts ON practices_practice "
            "USING GIN (to_tsvector('simple', search_text))"]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS practices_practice_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE})),
    ]
