"""Check a Bot API call against the committed spec: method, fields, types, and Telegram's limits.

Objects are checked recursively against the spec's types. For an abstract type (one with
``subtypes``, such as InlineQueryResult or BotCommandScope) the subtype is chosen by its
discriminator (``type``/``source``/``status``, whose fixed value the extract records as
``const``) and, where that is ambiguous (InlineQueryResultAudio and ...CachedAudio are both
"audio"; InputMessageContent has no discriminator), by the fields present.
"""

from __future__ import annotations

from typing import Any

from . import limits
from .spec import PRIMITIVES, Problem, UploadedFile, load_spec, method_names

__all__ = ["Problem", "Validator", "default_validator", "kind"]


def kind(value: Any) -> str:
    """A short JSON-ish name for a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    if isinstance(value, UploadedFile):
        return "InputFile"
    return type(value).__name__


def _is_primitive(value: Any, type_name: str) -> bool:
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    return isinstance(value, str)


def _join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


class Validator:
    """Validates calls and objects against a loaded spec (see :func:`load_spec`)."""

    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        self.spec = spec if spec is not None else load_spec()
        self.methods: dict[str, Any] = self.spec["methods"]
        self.types: dict[str, Any] = self.spec["types"]
        self._canonical = method_names(self.spec)

    def canonical_method(self, name: str) -> str | None:
        """The spec's spelling of ``name`` (method names are case-insensitive), or None."""
        return self._canonical.get(name.lower())

    # -- calls -------------------------------------------------------------------------------

    def check_call(self, method: str, params: dict[str, Any]) -> list[Problem]:
        """Every problem with a call of ``method`` with already decoded ``params``."""
        spec = self.methods.get(method)
        if spec is None:
            return [Problem("", f"unknown method {method!r}")]
        fields: dict[str, Any] = spec["fields"]
        problems: list[Problem] = []
        for name in params:
            if name not in fields:
                problems.append(Problem(name, f"unknown field for {method}"))
        for name, field in fields.items():
            if name not in params:
                if field["required"]:
                    problems.append(Problem(name, "required field is missing"))
                continue
            problems += self.check_value(params[name], field["types"], name)
        if not problems:
            problems += limits.check_method(method, params)
        return problems

    # -- values ------------------------------------------------------------------------------

    def check_value(self, value: Any, types: list[str], path: str) -> list[Problem]:
        """Problems with ``value`` as one of ``types`` (a field's type union)."""
        if len(types) == 1:
            return self._check_one(value, types[0], path)
        attempts: list[list[Problem]] = []
        for type_name in types:
            problems = self._check_one(value, type_name, path)
            if not problems:
                return []
            attempts.append(problems)
        if all(problem.field == path for problems in attempts for problem in problems):
            return [Problem(path, f"expected {' or '.join(types)}, got {kind(value)}")]
        return min(attempts, key=len)

    def _check_one(self, value: Any, type_name: str, path: str) -> list[Problem]:
        if type_name.startswith("Array of "):
            inner = type_name.removeprefix("Array of ")
            if not isinstance(value, list):
                return [Problem(path, f"expected {type_name}, got {kind(value)}")]
            problems: list[Problem] = []
            for index, item in enumerate(value):
                problems += self._check_one(item, inner, _join(path, index))
            return problems
        if type_name in PRIMITIVES:
            if _is_primitive(value, type_name):
                return []
            return [Problem(path, f"expected {type_name}, got {kind(value)}")]
        if type_name == "InputFile":
            if isinstance(value, UploadedFile):
                return []
            return [Problem(path, f"expected an uploaded file, got {kind(value)}")]
        type_spec = self.types.get(type_name)
        if type_spec is None:  # a type the extract does not know: accept it
            return []
        if type_spec.get("subtypes"):
            return self._check_abstract(value, type_name, type_spec["subtypes"], path)
        return self._check_object(value, type_name, type_spec["fields"], path)

    def _check_object(
        self, value: Any, type_name: str, fields: dict[str, Any], path: str
    ) -> list[Problem]:
        if not isinstance(value, dict):
            return [Problem(path, f"expected {type_name}, got {kind(value)}")]
        problems: list[Problem] = []
        for name in value:
            if fields and name not in fields:
                problems.append(Problem(_join(path, name), f"unknown field for {type_name}"))
        for name, field in fields.items():
            where = _join(path, name)
            if name not in value:
                if field["required"]:
                    problems.append(Problem(where, f"required field of {type_name} is missing"))
                continue
            problems += self.check_value(value[name], field["types"], where)
            const = field.get("const")
            if const is not None and value[name] != const:
                problems.append(Problem(where, f"must be {const!r} for {type_name}"))
        if not problems:
            problems += limits.check_object(type_name, value, path)
        return problems

    def _const_matches(self, value: dict[str, Any], subtype: str) -> bool:
        fields = self.types.get(subtype, {}).get("fields", {})
        for name, field in fields.items():
            const = field.get("const")
            if const is not None and name in value and value[name] != const:
                return False
        return True

    def _check_abstract(
        self, value: Any, type_name: str, subtypes: list[str], path: str
    ) -> list[Problem]:
        candidates = subtypes
        if isinstance(value, dict):
            candidates = [
                sub for sub in subtypes if sub not in self.types or self._const_matches(value, sub)
            ]
            if not candidates:
                consts = sorted(
                    {
                        str(field["const"])
                        for sub in subtypes
                        for field in self.types.get(sub, {}).get("fields", {}).values()
                        if "const" in field
                    }
                )
                return [Problem(path, f"no {type_name} subtype fits; expected one of {consts}")]
        attempts: list[tuple[str, list[Problem]]] = []
        for subtype in candidates:
            problems = self._check_one(value, subtype, path)
            if not problems:
                return []
            attempts.append((subtype, problems))
        subtype, problems = min(attempts, key=lambda attempt: len(attempt[1]))
        if len(attempts) == 1:
            return problems
        return [Problem(p.field, f"{p.reason} (read as {subtype})") for p in problems]


_default: Validator | None = None


def default_validator() -> Validator:
    """A shared Validator over the committed spec."""
    global _default
    if _default is None:
        _default = Validator()
    return _default
