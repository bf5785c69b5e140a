"""PostgreSQL keeps each practice's keyword vector stored (a generated column, computed once per write)
with the GIN index over it, instead of indexing an expression that every search recomputes per matching
row to rank it (to_tsvector of 8,629 rows took ~100 ms of a 100k-practice search). SQLite keeps FTS5."""

from django.db import migrations

POSTGRES = [
    "ALTER TABLE practices_practice ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX practices_practice_search_vector ON practices_practice USING GIN (search_vector)",
    "DROP INDEX IF EXISTS practices_practice_fts",
]
POSTGRES_REVERSE = [
    "CREATE INDEX IF NOT EXISTS practices_practice_fts ON practices_practice "
    "USING GIN (to_tsvector('simple', search_text))",
    "DROP INDEX IF EXISTS practices_practice_search_vector",
    "ALTER TABLE practices_practice DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("practices", "0003_practice_archived")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_REVERSE))]
