"""Loading and checking the fact base: YAML files validated by the pydantic models.

Every error names the file, the fact id and the field, in one line, so that an operator who
edits a fact file sees at once what to fix.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .models import LANGS, Fact, Name, Sources
from .text import mixed_script_words

#: libyaml's safe loader where available (ten times faster), else PyYAML's own.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_FACTS_DIR = PACKAGE_DIR / "facts"
DEFAULT_SOURCES = PACKAGE_DIR / "sources.yaml"
DEFAULT_NAMES = PACKAGE_DIR / "names.yaml"


class FactBaseError(Exception):
    """A fact file that does not validate."""

    def __init__(self, file: Path | str, fact_id: str | None, field: str | None, message: str):
        self.file = str(file)
        self.fact_id = fact_id
        self.field = field
        self.message = message
        where = self.file
        if fact_id is not None:
            where += f": fact {fact_id!r}"
        if field:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class FactBase:
    """All facts, sorted by date (undated last), with the article's source information."""

    facts: tuple[Fact, ...]
    sources: Sources
    content_hash: str
    files: tuple[str, ...] = field(default=())
    names: dict[str, Name] = field(default_factory=dict)

    def name(self, key: str, lang: str) -> str:
        """The name ``key`` (of a fact's places, people or orgs) in ``lang``."""
        return str(getattr(self.names[key], lang))

    def venues(self, fact: Fact) -> list[str]:
        """Where ``fact`` took place: its places, less an exchange's guest-side places."""
        if fact.host is None:
            return list(fact.places)
        return [k for k in fact.places if self.names[k].country == fact.host]

    def origins(self, fact: Fact) -> list[str]:
        """An exchange's guest-side places: the city whose culture days came, say."""
        if fact.host is None:
            return []
        return [k for k in fact.places if self.names[k].country != fact.host]

    def by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}

    def years(self) -> list[int]:
        """Every year some fact's date covers, ascending."""
        return sorted({y for f in self.facts if f.date for y in f.date.years})

    def counts(self) -> dict[str, Counter[str]]:
        by_year: Counter[str] = Counter()
        by_tag: Counter[str] = Counter()
        by_lang: Counter[str] = Counter()
        by_event: Counter[str] = Counter()
        by_date: Counter[str] = Counter()
        for f in self.facts:
            by_year[str(f.date.start.year) if f.date else "undated"] += 1
            by_tag.update(f.tags)
            by_event[f.event] += 1
            by_date["inferred" if f.date_inferred else f.date_given if f.date else "undated"] += 1
            for lang in LANGS:
                if f.text.get(lang) and f.title.get(lang):
                    by_lang[lang] += 1
        return {
            "year": by_year,
            "tag": by_tag,
            "lang": by_lang,
            "event": by_event,
            "date": by_date,
        }


def _field_of(err: ValidationError) -> tuple[str, str]:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    return loc, first["msg"]


def load_facts(
    facts_dir: Path | str = DEFAULT_FACTS_DIR,
    sources_file: Path | str = DEFAULT_SOURCES,
    names_file: Path | str | None = None,
) -> FactBase:
    """Load and validate every ``*.yaml`` file in ``facts_dir``; raise FactBaseError.

    ``names_file`` defaults to the names.yaml beside ``sources_file``, else the package's own.
    """
    facts_dir = Path(facts_dir)
    sources_file = Path(sources_file)
    if names_file is None:
        beside = sources_file.parent / "names.yaml"
        names_file = beside if beside.exists() else DEFAULT_NAMES
    names_file = Path(names_file)
    digest = hashlib.sha256()
    files = sorted(facts_dir.glob("*.yaml"))
    if not files:
        raise FactBaseError(facts_dir, None, None, "no *.yaml fact files found")
    seen: dict[str, Path] = {}
    facts: list[Fact] = []
    for path in [*files, sources_file, names_file]:
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise FactBaseError(path, None, None, str(e).replace("\n", " ")) from e
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
    for path in files:
        for fact in _load_file(path):
            if fact.id in seen:
                raise FactBaseError(
                    path, fact.id, "id", f"duplicate id, first used in {seen[fact.id]}"
                )
            seen[fact.id] = path
            facts.append(fact)
    sources = _load_sources(sources_file)
    names = _load_names(names_file)
    _check_refs(facts, sources, seen)
    _check_names(facts, names, seen)
    facts.sort(key=lambda f: (f.sort_key, f.id))
    return FactBase(tuple(facts), sources, digest.hexdigest(), tuple(str(p) for p in files), names)


def load_configured(facts_dir: Path | None) -> FactBase:
    """The packaged fact base, or ``facts_dir`` with the ``sources.yaml`` beside it (if any)."""
    if facts_dir is None:
        return load_facts()
    sources = facts_dir.parent / "sources.yaml"
    return load_facts(facts_dir, sources if sources.exists() else DEFAULT_SOURCES)


def _load_file(path: Path) -> list[Fact]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as e:
        raise FactBaseError(path, None, None, f"not valid YAML: {e}".replace("\n", " ")) from e
    except UnicodeDecodeError as e:
        raise FactBaseError(path, None, None, f"not UTF-8: {e}") from e
    if data is None:
        return []
    if not isinstance(data, list):
        raise FactBaseError(path, None, None, "a fact file must be a YAML list of facts")
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise FactBaseError(path, f"#{i + 1}", None, "each fact must be a mapping")
        fid = str(item.get("id", f"#{i + 1}"))
        if "date" in item and item["date"] is not None and not isinstance(item["date"], str):
            # YAML turns 1992-01-03 into a date object and 2004 into an int: insist on strings,
            # so that what the file says is what is checked.
            raise FactBaseError(path, fid, "date", "write the date as a quoted string")
        try:
            fact = Fact.model_validate(item)
        except ValidationError as e:
            loc, msg = _field_of(e)
            raise FactBaseError(path, fid, loc, msg) from e
        _check_script(path, fact)
        _check_date(path, fact)
        _check_exchange(path, fact)
        out.append(fact)
    return out


def _check_date(path: Path, fact: Fact) -> None:
    """The date agrees with ``date_given``; a worked-out date carries its note."""
    if fact.date is None:
        if fact.date_given != "none":
            raise FactBaseError(
                path, fact.id, "date_given", f"is {fact.date_given!r} but the fact has no date"
            )
        return
    order = ("none", "year", "month", "day")
    if order.index(fact.date_given) > order.index(fact.date.precision):
        raise FactBaseError(
            path,
            fact.id,
            "date_given",
            f"is {fact.date_given!r} but the date {fact.date.iso()} gives only the"
            f" {fact.date.precision}",
        )
    if fact.date_inferred and fact.date_note is None:
        raise FactBaseError(
            path,
            fact.id,
            "date_note",
            f"the date {fact.date.iso()} is finer than the article gives ({fact.date_given!r}):"
            " say what the article says and why the date was chosen",
        )


def _check_exchange(path: Path, fact: Fact) -> None:
    if fact.host is not None and fact.host == fact.guest:
        raise FactBaseError(path, fact.id, "guest", f"host and guest are both {fact.host!r}")


def _load_names(path: Path) -> dict[str, Name]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as e:
        raise FactBaseError(path, None, None, str(e).replace("\n", " ")) from e
    if not isinstance(data, list):
        raise FactBaseError(path, None, None, "the names file must be a YAML list of names")
    names: dict[str, Name] = {}
    for i, item in enumerate(data):
        key = str(item.get("key", f"#{i + 1}")) if isinstance(item, dict) else f"#{i + 1}"
        try:
            name = Name.model_validate(item)
        except ValidationError as e:
            loc, msg = _field_of(e)
            raise FactBaseError(path, None, f"{key}.{loc}", msg) from e
        if name.key in names:
            raise FactBaseError(path, None, f"{key}.key", "duplicate name key")
        for loc, text in _strings(name.model_dump(mode="json"), key):
            bad = mixed_script_words(text)
            if bad:
                raise FactBaseError(path, None, loc, f"word {bad[0]!r} mixes Latin and Cyrillic")
        names[name.key] = name
    return names


_NAME_KINDS = {"places": ("city", "region", "country"), "people": ("person",), "orgs": ("org",)}


def _check_names(facts: list[Fact], names: dict[str, Name], where: dict[str, Path]) -> None:
    """Every places/people/orgs entry is a key of names.yaml, of the right kind."""
    for f in facts:
        for fld, kinds in _NAME_KINDS.items():
            for i, key in enumerate(getattr(f, fld)):
                loc = f"{fld}.{i}"
                if key not in names:
                    raise FactBaseError(
                        where[f.id], f.id, loc, f"{key!r} is not a key of names.yaml"
                    )
                if names[key].kind not in kinds:
                    raise FactBaseError(
                        where[f.id],
                        f.id,
                        loc,
                        f"{key!r} is a {names[key].kind}, not a {' or '.join(kinds)}",
                    )


def _strings(obj: object, prefix: str) -> list[tuple[str, str]]:
    if isinstance(obj, str):
        return [(prefix, obj)]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in _strings(v, f"{prefix}.{k}" if prefix else k)]
    if isinstance(obj, list | tuple):
        return [s for i, v in enumerate(obj) for s in _strings(v, f"{prefix}.{i}")]
    return []


def _check_script(path: Path, fact: Fact) -> None:
    for loc, text in _strings(fact.model_dump(mode="json"), ""):
        bad = mixed_script_words(text)
        if bad:
            raise FactBaseError(path, fact.id, loc, f"word {bad[0]!r} mixes Latin and Cyrillic")


def _load_sources(path: Path) -> Sources:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        return Sources.model_validate(data)
    except ValidationError as e:
        loc, msg = _field_of(e)
        raise FactBaseError(path, None, loc, msg) from e
    except (OSError, yaml.YAMLError) as e:
        raise FactBaseError(path, None, None, str(e).replace("\n", " ")) from e


def _check_refs(facts: list[Fact], sources: Sources, where: dict[str, Path]) -> None:
    known = {r.number: r for r in sources.references}
    for f in facts:
        for i, src in enumerate(f.sources):
            fld = "source" if i == 0 else f"more_sources.{i - 1}"
            ref = src.ref
            if ref is None:
                continue
            if ref not in known:
                msg = f"reference [{ref}] is unknown"
                raise FactBaseError(where[f.id], f.id, f"{fld}.ref", msg)
            pages = src.pages
            if pages and known[ref].pages and pages not in known[ref].pages:
                msg = f"reference [{ref}] is not cited at p. {pages}"
                raise FactBaseError(where[f.id], f.id, f"{fld}.pages", msg)


@dataclass(frozen=True)
class BaseInfo:
    """What a running bot keeps of its fact base once the index is built: the article's
    sources, the content hash and the counts. The facts themselves are read from the index
    (:class:`~knowledge.index.FactIndex`), so that no process holds them all."""

    sources: Sources
    content_hash: str
    n_facts: int
    files: tuple[str, ...] = ()

    @classmethod
    def of(cls, base: FactBase) -> BaseInfo:
        return cls(base.sources, base.content_hash, len(base.facts), base.files)
