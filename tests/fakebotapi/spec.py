"""The committed Bot API extract (tests/botapi_spec.json) and decoding of request parameters.

Telegram accepts parameters as a query string, as x-www-form-urlencoded or multipart/form-data
fields, or as a JSON body. In the form encodings every value is a string: python-telegram-bot
sends scalars as plain strings ("123", "true") and nested objects and arrays (reply_markup,
results, commands, scope, ...) as JSON-encoded strings. :func:`decode_value` turns them back into
typed values using the field's declared types, so that one validator serves every encoding.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parent.parent / "botapi_spec.json"
PRIMITIVES = frozenset({"Integer", "Float", "Boolean", "String"})
_INT = re.compile(r"^-?\d+$")


@dataclass(frozen=True)
class UploadedFile:
    """A file sent as a multipart/form-data part (the Bot API's InputFile)."""

    field: str
    filename: str | None
    content_type: str | None
    size: int


@dataclass(frozen=True)
class Problem:
    """One reason Telegram would refuse a call: the offending field path and why."""

    field: str
    reason: str


@lru_cache(maxsize=4)
def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """Load the committed Bot API extract (methods and types with their fields)."""
    with path.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = json.load(handle)
    return spec


def method_names(spec: dict[str, Any]) -> dict[str, str]:
    """Map lower-cased method names to their canonical spelling (Telegram ignores case)."""
    return {name.lower(): name for name in spec["methods"]}


def _decode_as(raw: str, type_name: str) -> tuple[bool, Any]:
    if type_name == "String" or type_name == "InputFile":
        return type_name == "String", raw
    if type_name == "Integer":
        return (True, int(raw)) if _INT.match(raw.strip()) else (False, raw)
    if type_name == "Float":
        try:
            return True, float(raw)
        except ValueError:
            return False, raw
    if type_name == "Boolean":
        lowered = raw.strip().lower()
        if lowered in ("true", "1"):
            return True, True
        if lowered in ("false", "0"):
            return True, False
        return False, raw
    # An object or an array: JSON-encoded.
    try:
        return True, json.loads(raw)
    except ValueError:
        return False, raw


def decode_value(raw: Any, types: list[str]) -> Any:
    """Decode one form-encoded value by the field's declared types (first type that fits).

    Non-string values (from a JSON body, or uploaded files) are returned unchanged; so is a
    string that fits none of the types, for the validator to report.
    """
    if not isinstance(raw, str):
        return raw
    # Prefer the most specific reading: numbers and booleans before a plain string, so that
    # chat_id "123" (Integer or String) becomes 123 and "@channel" stays a string.
    order = sorted(types, key=lambda name: (name == "String", name == "InputFile"))
    for type_name in order:
        ok, value = _decode_as(raw, type_name)
        if ok:
            return value
    return raw


def decode_params(spec: dict[str, Any], method: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Decode every parameter of ``method``; unknown names are kept as they are."""
    fields = spec["methods"].get(method, {}).get("fields", {})
    return {
        name: decode_value(value, fields[name]["types"]) if name in fields else value
        for name, value in raw.items()
    }
