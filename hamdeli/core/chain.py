"""The audit hash chain: each entry's hash covers its canonical content and the previous entry's hash.

Plain functions over plain values (no models), so that the migration that chains existing entries,
`hamdeli audit verify` and a restored backup all compute exactly the same bytes.
"""

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of an organization's first entry

# The stored columns the hash covers, in this order; `prev_hash` ties each entry to the one before.
FIELDS = ("org", "seq", "at", "actor_id", "action", "object_type", "object_id", "before", "after",
          "channel", "token_id", "ip", "request_id", "prev_hash")


def _at(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
        return str(value.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))  # always with microseconds: the same text on both databases
    return str(value)


def json_value(value: Any) -> Any:
    """The value as the JSON column gives it back (tuples become lists, keys strings)."""
    return None if value is None else _numbers(json.loads(json.dumps(value)))


def _numbers(value: Any) -> Any:
    # PostgreSQL's jsonb gives a whole float (2.0, 1e20) back as an int: hash it as one everywhere.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    return value


def canonical(values: dict[str, Any]) -> bytes:
    """One byte string for an entry: sorted-key JSON of the covered columns, timestamps in UTC."""
    data = {name: values.get(name) for name in FIELDS}
    data["at"] = _at(data["at"])
    data["org"] = str(data["org"])
    data["before"], data["after"] = json_value(data["before"]), json_value(data["after"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()
