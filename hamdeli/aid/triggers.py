"""Database triggers that make aid_movement append-only, for SQLite and PostgreSQL (core.triggers)."""

from hamdeli.core.triggers import AppendOnly

MOVEMENTS = AppendOnly("aid_movement", "aid_movement is append-only: post a reversing movement instead")
run = MOVEMENTS.run
