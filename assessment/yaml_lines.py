"""YAML loading that remembers line numbers, so every error can name its file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pydantic import ValidationError

from assessment.errors import ErrorCode, Location, Problem, WenpingError


class LineDict(dict):
    """A mapping from YAML that knows the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


# libyaml's parser when present (10× faster); the constructor below stays Python either way.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        own = len(node.value) - sum(1 for key, _ in node.value if key.tag == "tag:yaml.org,2002:merge")
        self.flatten_mapping(node)
        merged = len(node.value) - own  # `<<: *base` entries come first; the mapping's own keys override them
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        own_keys: set = set()
        for position, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if position >= merged and key in own_keys:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            if position >= merged:
                own_keys.add(key)
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)

MAX_FILE_BYTES = 20 * 1024 * 1024


def load_yaml_text(text: str, file: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        detail = error.problem or str(error)
        raise WenpingError.of(
            ErrorCode.RULES_YAML, Location(file=file, line=mark.line + 1 if mark else None), detail=detail
        ) from None
    except yaml.YAMLError as error:
        raise WenpingError.of(ErrorCode.RULES_YAML, Location(file=file), detail=str(error)) from None


def load_yaml_file(path: Path, display: str | None = None) -> Any:
    display = display or str(path)
    if not path.is_file():
        raise WenpingError.of(ErrorCode.RULES_MISSING_FILE, Location(file=display), path=display)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise WenpingError.of(ErrorCode.RULES_YAML, Location(file=display), detail="file larger than 20 MB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise WenpingError.of(ErrorCode.RULES_YAML, Location(file=display), detail=f"not UTF-8 text ({error.reason})") from None
    return load_yaml_text(text, display)


def line_of(data: Any, path: tuple[Any, ...]) -> tuple[int | None, str | None]:
    """The line of the deepest node along `path`, and the nearest enclosing `id` or `name`."""
    line, ident, node = getattr(data, "line", None), None, data
    for step in path:
        if isinstance(node, LineDict):
            ident = _ident(node) or ident
            if step in node:
                line = node.key_lines.get(step, line)
                node = node[step]
                continue
            break
        if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            line = getattr(node, "line", line)
            continue
        break
    if isinstance(node, LineDict):
        ident = _ident(node) or ident
    return line, ident


def _ident(node: LineDict) -> str | None:
    for key in ("id", "name"):
        if isinstance(node.get(key), str):
            return node[key]
    return None


def schema_problems(error: ValidationError, data: Any, file: str | None) -> list[Problem]:
    """A pydantic error on YAML data as problems naming file, line, the nearest id and the field path."""
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        line, ident = line_of(data, loc)
        field = ".".join(str(part) for part in loc) or "(file)"
        where = Location(file=file, line=line, id=ident, field=field)
        problems.append(Problem(ErrorCode.RULES_SCHEMA, {"field": field, "detail": item["msg"]}, where))
    return problems
