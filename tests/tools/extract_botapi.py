"""Write the compact Bot API extract that the fake Bot API server validates against.

Run by hand, never at test time::

    python tests/tools/extract_botapi.py \
        /work/shared/telegram-bot-api/api.json tests/botapi_spec.json

The input is the machine-readable Bot API scraped from Telegram's documentation
(MIT, telegram-bot-api-spec by Paul Larsen). The output keeps, for every method and type,
each field's types and whether it is required, plus ``subtypes`` for abstract types and ``const``
for the discriminator fields of subtypes ("type", "source", "status", e.g. InlineQueryResultArticle
``type`` is always "article"). Descriptions are dropped.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

LICENSE = (
    "MIT, from telegram-bot-api-spec (Copyright (c) 2020 Paul Larsen, "
    "github.com/PaulSonOfLars/telegram-bot-api-spec), scraped from the Telegram Bot API docs"
)

# Discriminator fields whose description pins one value: 'always "article"' / 'must be article'.
DISCRIMINATORS = ("type", "source", "status")
CONST_RE = re.compile(r"(?:always|must be) \"?([A-Za-z_0-9]+)\"?\s*\.?\s*$")


def _fields(raw_fields: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    fields: dict[str, dict[str, Any]] = {}
    for field in raw_fields:
        entry: dict[str, Any] = {"types": list(field["types"]), "required": bool(field["required"])}
        if field["name"] in DISCRIMINATORS and field["types"] == ["String"]:
            match = CONST_RE.search(field.get("description", ""))
            if match:
                entry["const"] = match.group(1)
        fields[field["name"]] = entry
    return fields


def extract(api: dict[str, Any]) -> dict[str, Any]:
    """Return the compact extract of a parsed api.json."""
    methods = {
        name: {"fields": _fields(method.get("fields", [])), "returns": method.get("returns", [])}
        for name, method in sorted(api["methods"].items())
    }
    types: dict[str, Any] = {}
    for name, type_ in sorted(api["types"].items()):
        entry: dict[str, Any] = {"fields": _fields(type_.get("fields", []))}
        if type_.get("subtypes"):
            entry["subtypes"] = list(type_["subtypes"])
        types[name] = entry
    return {
        "version": api["version"],
        "release_date": api.get("release_date", ""),
        "license": LICENSE,
        "methods": methods,
        "types": types,
    }


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _render_group(group: dict[str, Any]) -> list[str]:
    """One line per field, so that a diff between API versions reads field by field."""
    blocks: list[str] = []
    for name, entry in group.items():
        head = {key: value for key, value in entry.items() if key != "fields"}
        lines = [f"  {_dump(name)}: {{"]
        lines += [f"   {_dump(key)}: {_dump(value)}," for key, value in head.items()]
        fields = [f"    {_dump(fname)}: {_dump(f)}" for fname, f in entry["fields"].items()]
        if fields:
            lines.append('   "fields": {\n' + ",\n".join(fields) + "\n   }")
        else:
            lines.append('   "fields": {}')
        blocks.append("\n".join(lines) + "\n  }")
    return blocks


def render(spec: dict[str, Any]) -> str:
    """Serialise the extract as stable, diff-friendly JSON."""
    out = ["{"]
    out += [f" {_dump(key)}: {_dump(spec[key])}," for key in ("version", "release_date", "license")]
    out.append(' "methods": {\n' + ",\n".join(_render_group(spec["methods"])) + "\n },")
    out.append(' "types": {\n' + ",\n".join(_render_group(spec["types"])) + "\n }")
    out.append("}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="api.json")
    parser.add_argument("target", type=Path, help="where to write the extract")
    args = parser.parse_args(argv)
    api = json.loads(args.source.read_text(encoding="utf-8"))
    spec = extract(api)
    text = render(spec)
    assert json.loads(text) == spec
    args.target.write_text(text, encoding="utf-8")
    print(
        f"{spec['version']}: {len(spec['methods'])} methods, {len(spec['types'])} types "
        f"-> {args.target} ({len(text) // 1024} KiB)"
    )


if __name__ == "__main__":
    main()
