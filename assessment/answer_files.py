"""Answer files (YAML or JSON): the kind of matter, the answers, the planned measures, the assessment date,
and optionally the rule set they were written for."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from assessment.domain.ruleset import RuleSet
from assessment.domain.validation_text import shown
from assessment.errors import ErrorCode, Location, Problem, WenpingError
from assessment.yaml_lines import line_of, load_yaml_text, read_text

_KEYS = {"kind", "answers", "measures", "assessed_at", "ruleset"}
_RULESET_KEYS = ("id", "version", "content_hash")


@dataclass(frozen=True)
class AnswerFile:
    kind: str
    answers: dict[str, Any]
    measures: list[dict[str, Any]]
    assessed_at: date | None
    ruleset: dict[str, str] | None = None  # the rule set named in the file: any of id, version, content_hash
    source: str | None = None  # the file it was read from
    data: Any = field(default=None, repr=False, compare=False)  # as parsed: YAML mappings know their lines


def read_answer_file(path: Path | str) -> AnswerFile:
    path = Path(path)
    text = read_text(path, str(path), ErrorCode.ANS_FILE)
    return parse_answer_document(_parse(text, path), str(path))


def _parse(text: str, path: Path) -> Any:
    if path.suffix.lower() != ".json":
        return load_yaml_text(text, str(path), ErrorCode.ANS_YAML)
    try:
        # NaN and Infinity parse as floats, and an integer too long for Python stays text:
        # validation then names the question they were given for.
        return json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as error:
        raise WenpingError.of(ErrorCode.ANS_FILE, Location(file=str(path), line=error.lineno), detail=error.msg) from None
    except RecursionError:
        raise WenpingError.of(ErrorCode.ANS_FILE, Location(file=str(path)), detail="嵌套层数过多",
                              detail_en="nested too deeply") from None


def _json_int(digits: str) -> int | str:
    try:
        return int(digits)
    except ValueError:  # beyond Python's limit on digits converted
        return digits


def parse_answer_document(data: Any, source: str = "answers") -> AnswerFile:
    where = Location(file=source)
    if not isinstance(data, dict):
        raise WenpingError.of(ErrorCode.ANS_FILE, where, detail="顶层应为映射（kind、answers、measures）", detail_en="the top level must be a mapping (kind, answers, measures)")
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        shown_keys = ", ".join(k[:60] for k in unknown[:10])
        raise WenpingError.of(ErrorCode.ANS_FILE, where, detail=f"未知的顶层字段：{shown_keys}", detail_en=f"unknown top-level keys: {shown_keys}")
    if not isinstance(data.get("kind"), str):
        raise WenpingError.of(ErrorCode.ANS_MISSING_KIND, where)
    answers, measures = data.get("answers") or {}, data.get("measures") or []
    if not isinstance(answers, dict) or not isinstance(measures, list):
        raise WenpingError.of(ErrorCode.ANS_FILE, where, detail="answers 应为映射，measures 应为列表", detail_en="answers must be a mapping and measures a list")
    return AnswerFile(kind=data["kind"], answers=dict(answers), measures=list(measures),
                      assessed_at=_assessed_at(data, source), ruleset=_ruleset(data, source), source=source, data=data)


def _field_error(data: Any, source: str, field: str, zh: str, en: str) -> WenpingError:
    line, _ = line_of(data, (field,))
    return WenpingError.of(ErrorCode.ANS_BAD_FIELD, Location(file=source, line=line, field=field), field=field, detail=zh, detail_en=en)


def _assessed_at(data: dict, source: str) -> date | None:
    value = data.get("assessed_at")
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    got = shown(value)
    raise _field_error(data, source, "assessed_at", f"应为日期 YYYY-MM-DD，实际为 {got}", f"must be a date YYYY-MM-DD, got {got}")


def _ruleset(data: dict, source: str) -> dict[str, str] | None:
    """`ruleset: wenping-default` or `ruleset: {id: …, version: …, content_hash: …}` (as a result records it)."""
    value = data.get("ruleset")
    if value is None:
        return None
    if isinstance(value, str):
        value = {"id": value}
    if (not isinstance(value, dict) or not value or set(map(str, value)) - set(_RULESET_KEYS)
            or not all(isinstance(v, (str, int, float)) for v in value.values())):
        keys = "、".join(_RULESET_KEYS)
        raise _field_error(data, source, "ruleset", f"应为规则集编号，或含 {keys} 的映射",
                           f"must be a rule set id, or a mapping of {', '.join(_RULESET_KEYS)}")
    return {str(k): str(v) for k, v in value.items()}


def locate(problems: list[Problem], document: AnswerFile) -> list[Problem]:
    """Answer and measure problems with the file and, for YAML, the line of the answer, row or cell."""
    located = []
    for problem in problems:
        where = problem.where
        if where.file is None:
            where = replace(where, file=document.source, line=_line(document.data, where))
        located.append(replace(problem, where=where))
    return located


def _line(data: Any, where: Location) -> int | None:
    if where.id is None:
        return None
    path: tuple = ("measures",) if where.id == "measures" else ("answers", where.id)
    if where.row is not None:
        path += (where.row - 1,)
        if where.field is not None and where.id != "measures":
            path += (where.field,)
    line, _ = line_of(data, path)
    return line


def ruleset_mismatch(document: AnswerFile, ruleset: RuleSet) -> Problem | None:
    """A warning when the file names another rule set (id, version or content hash) than the one scoring it."""
    if document.ruleset is None:
        return None
    loaded = {"id": ruleset.info.id, "version": ruleset.info.version, "content_hash": ruleset.content_hash}
    if all(loaded[key] == value for key, value in document.ruleset.items()):
        return None
    shown_loaded = {key: value for key, value in loaded.items() if key != "content_hash" or "content_hash" in document.ruleset}
    return Problem(ErrorCode.ANS_RULESET_MISMATCH, {"given": _named(document.ruleset), "loaded": _named(shown_loaded)},
                   Location(file=document.source, field="ruleset"))


def _named(ruleset: dict[str, str]) -> str:
    """"wenping-default 2026.11.1 (e9062e45b243)": id, version and the start of the content hash, as given."""
    words = [ruleset[key][:60] for key in ("id", "version") if key in ruleset]
    if "content_hash" in ruleset:
        words.append(f"({ruleset['content_hash'][:12]})")
    return " ".join(words)
