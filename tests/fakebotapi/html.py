"""Telegram's HTML parse mode: what is allowed, and what text a reader actually sees.

Telegram counts a message's length after it has parsed the formatting: tags do not count,
``&lt;`` counts as one character, and characters are counted in UTF-16 code units (an emoji
outside the Basic Multilingual Plane counts twice). Everything here follows the "HTML style"
section of the Bot API's formatting options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Allowed tag -> the MessageEntity type it produces.
TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
_END_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
_ATTR = re.compile(r"""\s+([A-Za-z_][\w-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_TAG_CLOSE = re.compile(r"\s*>")
_ENTITY = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z0-9]+);")
_TIME_FORMAT = re.compile(r"^(r|w?[dD]?[tT]?)$")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's lengths and offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class ParsedText:
    """The visible text of a formatted string, its entities, and any parse errors."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Open:
    name: str
    attrs: dict[str, str | None]
    offset: int  # UTF-16 offset of the tag's content in the visible text
    parent: str | None


def _decode_entity(text: str, pos: int, errors: list[str], where: str) -> tuple[str, int]:
    """Decode the HTML entity at ``text[pos] == '&'``; return (char, length consumed)."""
    match = _ENTITY.match(text, pos)
    if match is None:
        errors.append(
            f"unescaped '&' {where}: write &amp; (only &lt; &gt; &amp; &quot; and numeric "
            "entities are supported)"
        )
        return "&", 1
    body = match.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            errors.append(f"invalid numeric entity &{body}; {where}")
            return "", match.end() - pos
        return chr(code), match.end() - pos
    if body not in NAMED_ENTITIES:
        errors.append(f"unsupported HTML entity &{body}; {where}")
        return "", match.end() - pos
    return NAMED_ENTITIES[body], match.end() - pos


def _unescape_attr(value: str, errors: list[str], where: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(value):
        if value[pos] == "&":
            char, used = _decode_entity(value, pos, errors, where)
            out.append(char)
            pos += used
        else:
            out.append(value[pos])
            pos += 1
    return "".join(out)


def _check_attrs(tag: _Open, errors: list[str], where: str) -> None:
    attrs = tag.attrs
    if tag.name == "a" and not attrs.get("href"):
        errors.append(f'tag "a" needs a non-empty href {where}')
    elif tag.name == "span" and attrs.get("class") != "tg-spoiler":
        errors.append(f'tag "span" must have class "tg-spoiler" {where}')
    elif tag.name == "tg-emoji" and not (attrs.get("emoji-id") or "").isdigit():
        errors.append(f'tag "tg-emoji" needs a numeric emoji-id {where}')
    elif tag.name == "tg-time":
        unix = attrs.get("unix") or ""
        if not unix.lstrip("-").isdigit():
            errors.append(f'tag "tg-time" needs an integer unix attribute {where}')
        time_format = attrs.get("format")
        if time_format is not None and not _TIME_FORMAT.match(time_format):
            errors.append(f'tag "tg-time" has an invalid format "{time_format}" {where}')


def _entity(tag: _Open, end: int) -> dict[str, Any] | None:
    if end <= tag.offset:
        return None
    entity: dict[str, Any] = {"type": TAGS[tag.name], "offset": tag.offset}
    entity["length"] = end - tag.offset
    if tag.name == "a":
        entity["url"] = tag.attrs.get("href") or ""
    elif tag.name == "pre":
        language = tag.attrs.get("_language")
        if language:
            entity["language"] = language
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id") or ""
    elif tag.name == "tg-time":
        entity["unix_time"] = int(tag.attrs.get("unix") or 0)
        if tag.attrs.get("format"):
            entity["date_time_format"] = tag.attrs["format"]
    return entity


def parse_html(text: str) -> ParsedText:
    """Parse ``text`` as Telegram's HTML parse mode would, collecting every problem."""
    out: list[str] = []
    length = 0  # UTF-16 length of the visible text so far
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    errors: list[str] = []
    pos = 0

    def where(at: int) -> str:
        return f"at byte offset {len(text[:at].encode('utf-8'))}"

    while pos < len(text):
        char = text[pos]
        if char == "<" and text.startswith("</", pos):
            end = _END_TAG.match(text, pos)
            if end is None:
                errors.append(f"unclosed end tag {where(pos)}")
                return ParsedText("".join(out), entities, errors)
            name = end.group(1).lower()
            if not stack or stack[-1].name != name:
                expected = f'"{stack[-1].name}"' if stack else "none"
                errors.append(f'unexpected end tag "{name}" {where(pos)} (open tag: {expected})')
                return ParsedText("".join(out), entities, errors)
            tag = stack.pop()
            if tag.name == "code" and tag.parent == "pre" and stack:
                language = (tag.attrs.get("class") or "").removeprefix("language-")
                if (tag.attrs.get("class") or "").startswith("language-") and language:
                    stack[-1].attrs["_language"] = language
            elif (entity := _entity(tag, length)) is not None:
                entities.append(entity)
            pos = end.end()
        elif char == "<":
            start = _START_TAG.match(text, pos)
            if start is None:
                errors.append(f"raw '<' {where(pos)}: write &lt;")
                pos += 1
                continue
            name = start.group(1).lower()
            attrs: dict[str, str | None] = {}
            cursor = start.end()
            while (attr := _ATTR.match(text, cursor)) is not None:
                value = attr.group(2)
                if value is not None and value[:1] in ("'", '"'):
                    value = value[1:-1]
                if value is not None:
                    value = _unescape_attr(value, errors, where(pos))
                attrs[attr.group(1).lower()] = value
                cursor = attr.end()
            close = _TAG_CLOSE.match(text, cursor)
            if close is None:
                errors.append(f'unclosed start tag "{name}" {where(pos)}')
                return ParsedText("".join(out), entities, errors)
            if name not in TAGS:
                errors.append(f'unsupported start tag "{name}" {where(pos)}')
                return ParsedText("".join(out), entities, errors)
            tag = _Open(name, attrs, length, stack[-1].name if stack else None)
            _check_attrs(tag, errors, where(pos))
            stack.append(tag)
            pos = close.end()
        elif char == ">":
            errors.append(f"raw '>' {where(pos)}: write &gt;")
            out.append(char)
            length += 1
            pos += 1
        elif char == "&":
            decoded, used = _decode_entity(text, pos, errors, where(pos))
            out.append(decoded)
            length += utf16_len(decoded)
            pos += used
        else:
            out.append(char)
            length += utf16_len(char)
            pos += 1
    for tag in reversed(stack):
        errors.append(f'can\'t find end tag corresponding to start tag "{tag.name}"')
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return ParsedText("".join(out), entities, errors)


_MD_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\((?:\\.|[^)\\])*\)")


def _markdown_visible(text: str, *, v2: bool) -> str:
    """Approximate visible text of Markdown/MarkdownV2 (markup characters and link URLs removed)."""
    text = _MD_LINK.sub(lambda match: match.group(1), text)
    markup = set("*_~|`") if v2 else set("*_`")
    out: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if v2 and char == "\\" and pos + 1 < len(text):
            out.append(text[pos + 1])
            pos += 2
            continue
        if char not in markup and not (v2 and char == ">" and (pos == 0 or text[pos - 1] == "\n")):
            out.append(char)
        pos += 1
    return "".join(out)


def parse_formatted(text: str, parse_mode: str | None) -> ParsedText:
    """Visible text of ``text`` under ``parse_mode`` (None, "HTML", "MarkdownV2", "Markdown")."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode in ("markdown", "markdownv2"):
        return ParsedText(_markdown_visible(text, v2=mode == "markdownv2"))
    if mode:
        return ParsedText(text, errors=[f'unsupported parse_mode "{parse_mode}"'])
    return ParsedText(text)
