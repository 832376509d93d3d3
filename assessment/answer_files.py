"""Answer files (YAML or JSON): the kind of matter, the answers, the planned measures, the assessment date."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assessment.errors import ErrorCode, Location, WenpingError
from assessment.yaml_lines import load_yaml_text

MAX_ANSWER_FILE_BYTES = 20 * 1024 * 1024
_KEYS = {"kind", "answers", "measures", "assessed_at", "ruleset"}


@dataclass(frozen=True)
class AnswerFile:
    kind: str
    answers: dict[str, Any]
    measures: list[dict[str, Any]]
    assessed_at: date | None


def read_answer_file(path: Path | str) -> AnswerFile:
    path = Path(path)
    where = Location(file=str(path))
    if not path.is_file():
        raise WenpingError.of(ErrorCode.ANS_FILE, where, detail="文件不存在", detail_en="no such file")
    if path.stat().st_size > MAX_ANSWER_FILE_BYTES:
        raise WenpingError.of(ErrorCode.ANS_FILE, where, detail="文件超过 20 MB", detail_en="the file is larger than 20 MB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise WenpingError.of(ErrorCode.ANS_FILE, where, detail="不是 UTF-8 编码的文本", detail_en="not UTF-8 text") from None
    return parse_answer_document(_parse(text, path), str(path))


def _parse(text: str, path: Path) -> Any:
    if path.suffix.lower() != ".json":
        return load_yaml_text(text, str(path))
    try:
        # NaN and Infinity parse as floats: validation then names the question they were given for.
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise WenpingError.of(ErrorCode.ANS_FILE, Location(file=str(path), line=error.lineno), detail=error.msg) from None


def parse_answer_document(data: Any, source: str = "answers") -> AnswerFile:
    where = Location(file=source)
    if not isinstance(data, dict):
        raise WenpingError.of(ErrorCode.ANS_FILE, where, detail="顶层应为映射（kind、answers、measures）", detail_en="the top level must be a mapping (kind, answers, measures)")
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise WenpingError.of(ErrorCode.ANS_FILE, where, detail=f"未知的顶层字段：{', '.join(unknown)}", detail_en=f"unknown top-level keys: {', '.join(unknown)}")
    if not isinstance(data.get("kind"), str):
        raise WenpingError.of(ErrorCode.ANS_MISSING_KIND, where)
    answers, measures = data.get("answers") or {}, data.get("measures") or []
    if not isinstance(answers, dict) or not isinstance(measures, list):
        raise WenpingError.of(ErrorCode.ANS_FILE, where, detail="answers 应为映射，measures 应为列表", detail_en="answers must be a mapping and measures a list")
    assessed_at = data.get("assessed_at")
    if isinstance(assessed_at, str):
        try:
            assessed_at = date.fromisoformat(assessed_at)
        except ValueError:
            assessed_at = None
    if assessed_at is not None and not isinstance(assessed_at, date):
        raise WenpingError.of(ErrorCode.ANS_FILE, where, detail="assessed_at 应为日期 YYYY-MM-DD", detail_en="assessed_at must be a date YYYY-MM-DD")
    return AnswerFile(kind=data["kind"], answers=dict(answers), measures=list(measures), assessed_at=assessed_at)
