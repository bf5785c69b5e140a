"""Database triggers that make aid_movement append-only, for SQLite and PostgreSQL."""

MESSAGE = "aid_movement is append-only: post a reversing movement instead"

SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS aid_movement_no_update BEFORE UPDATE ON aid_movement "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER IF NOT EXISTS aid_movement_no_delete BEFORE DELETE ON aid_movement "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS aid_movement_no_update;", "DROP TRIGGER IF EXISTS aid_movement_no_delete;"]

POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION aid_movement_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS aid_movement_no_change ON aid_movement;",
    """CREATE TRIGGER aid_movement_no_change BEFORE UPDATE OR DELETE ON aid_movement
    FOR EACH ROW EXECUTE FUNCTION aid_movement_append_only();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS aid_movement_no_change ON aid_movement;",
    "DROP FUNCTION IF EXISTS aid_movement_append_only();",
]


def statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    raise RuntimeError(f"no append-only triggers for the {vendor} database")


def run(connection, *, create: bool) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, create=create):
            cursor.execute(sql)
