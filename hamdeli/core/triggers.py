"""Append-only tables, on SQLite and PostgreSQL: database triggers refuse UPDATE and DELETE (and, where
asked, TRUNCATE), whatever path a change comes by. Used by core's audit table and aid's ledger.

A correction to the audit is a new entry; a changed or removed row would also break the hash chain,
which `hamdeli audit verify` detects even when these triggers were lifted behind the application's back.
"""

from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class AppendOnly:
    table: str
    message: str
    truncate: bool = False  # PostgreSQL only: SQLite has no TRUNCATE

    def statements(self, vendor: str, *, create: bool) -> list[str]:
        t, message = self.table, self.message
        if vendor == "sqlite":
            if not create:
                return [f"DROP TRIGGER IF EXISTS {t}_no_update;", f"DROP TRIGGER IF EXISTS {t}_no_delete;"]
            return [f"CREATE TRIGGER IF NOT EXISTS {t}_no_{verb} BEFORE {verb.upper()} ON {t} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END;" for verb in ("update", "delete")]
        if vendor == "postgresql":
            drops = [f"DROP TRIGGER IF EXISTS {t}_no_change ON {t};"]
            if self.truncate:
                drops.append(f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};")
            if not create:
                return [*drops, f"DROP FUNCTION IF EXISTS {t}_append_only();"]
            made = [f"""CREATE OR REPLACE FUNCTION {t}_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql;""", *drops,
                    f"""CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t}
    FOR EACH ROW EXECUTE FUNCTION {t}_append_only();"""]
            if self.truncate:
                made.append(f"""CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
    FOR EACH STATEMENT EXECUTE FUNCTION {t}_append_only();""")
            return made
        raise RuntimeError(f"no append-only triggers for the {vendor} database")

    def run(self, connection: BaseDatabaseWrapper, *, create: bool) -> None:
        with connection.cursor() as cursor:
            for sql in self.statements(connection.vendor, create=create):
                cursor.execute(sql)


AUDIT = AppendOnly("core_auditentry", "core_auditentry is append-only: record a new entry instead", truncate=True)
run = AUDIT.run  # the audit table's triggers (its migration and tests call triggers.run)
