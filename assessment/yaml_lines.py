"""Reading rule and answer files: one reader with one size limit, and YAML loading that remembers line
numbers, so that every error can name its file and line.

YAML is read safely and bounded: aliases may not expand a document past MAX_NODES nodes or MAX_DEPTH levels
(an "alias bomb" of a few hundred bytes would otherwise build gigabytes), and a scalar Python cannot convert
(an integer of thousands of digits, a date such as 2026-13-45) stays text, so that validation names the
field it was given for instead of the loader failing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assessment.domain.validation_text import describe
from assessment.errors import ErrorCode, Location, Problem, WenpingError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NODES = 1_000_000  # as built, every use of an alias counted
MAX_DEPTH = 100


class LineDict(dict):
    """A mapping from YAML that knows the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class _Refused(yaml.constructor.ConstructorError):
    """A problem found by our loader, with its message in both languages."""

    def __init__(self, zh: str, en: str, mark: yaml.Mark | None):
        super().__init__(None, None, en, mark)
        self.zh = zh


# libyaml's parser when present (10× faster); the constructor below stays Python either way.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):
    def construct_document(self, node: yaml.Node) -> Any:
        _check_expansion(node)
        return super().construct_document(node)

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
                raise _Refused("映射的键必须是简单值", "a mapping key must be a plain value", key_node.start_mark)
            if position >= merged and key in own_keys:
                raise _Refused(f"键“{key}”重复", f"duplicate key '{key}'", key_node.start_mark)
            if position >= merged:
                own_keys.add(key)
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int | str:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts: kept as text for validation to refuse
            return self.construct_scalar(node)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2026-13-45 looks like a date but is none: kept as text for validation to refuse
            return self.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _LineLoader.construct_yaml_int)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases would build more than MAX_NODES nodes or nest more than MAX_DEPTH levels.

    Iterative, and each node is sized once however many aliases point at it: the check itself is linear.
    """
    done: dict[int, tuple[int, int]] = {}  # id(node) → (nodes as built, depth)
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = _children(node)
        if children_done:
            nodes = 1 + sum(done[id(child)][0] for child in children)
            depth = 1 + max((done[id(child)][1] for child in children), default=0)
            active.discard(key)
            done[key] = (nodes, depth)
            if nodes > MAX_NODES:
                raise _Refused(f"文档经别名（*）展开后超过 {MAX_NODES:,} 个节点", f"aliases (*) expand the document past {MAX_NODES:,} nodes", node.start_mark)
            if depth > MAX_DEPTH:
                raise _Refused(f"嵌套超过 {MAX_DEPTH} 层", f"nested more than {MAX_DEPTH} levels deep", node.start_mark)
        elif key not in done:
            if key in active:
                raise _Refused("别名（*）引用了包含它自身的节点", "an alias (*) refers to a node that contains it", node.start_mark)
            active.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


# libyaml's commonest messages, in Chinese; anything else is shown as libyaml says it
_YAML_PROBLEMS_ZH = {
    "did not find expected ',' or ']'": "缺少“,”或“]”（方括号不成对？）",
    "did not find expected ',' or '}'": "缺少“,”或“}”（花括号不成对？）",
    "mapping values are not allowed in this context": "此处不能出现“:”（含冒号的文字请加引号）",
    "mapping values are not allowed here": "此处不能出现“:”（含冒号的文字请加引号）",
    "found character that cannot start any token": "出现不能开始一个值的字符（制表符、@ 或 `？请改用空格缩进或给文字加引号）",
    "found undefined alias": "引用了未定义的别名（*）",
    "found unexpected end of stream": "文件意外结束（引号不成对？）",
    "found unknown escape character": "双引号文字中有未知的转义字符（\\ 请写作 \\\\ 或改用单引号）",
    "did not find expected '-' indicator": "缩进不一致：此处应为“- ”开头的列表项",
    "did not find expected key": "缩进不一致：此处应为“键: 值”",
    "could not find expected ':'": "缺少“:”",
}


def read_text(path: Path, display: str, code: ErrorCode) -> str:
    """The file as UTF-8 text, at most MAX_FILE_BYTES; `code` (a code whose message takes a {detail}) names a problem."""
    where = Location(file=display)
    if not path.is_file():
        raise WenpingError.of(code, where, detail="文件不存在", detail_en="no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        raise WenpingError.of(code, where, detail=f"文件超过 {limit} MB", detail_en=f"the file is larger than {limit} MB")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise WenpingError.of(code, where, detail=f"不是 UTF-8 编码的文本（第 {error.start} 字节）",
                              detail_en=f"not UTF-8 text (byte {error.start})") from None


def load_yaml_text(text: str, file: str, code: ErrorCode = ErrorCode.RULES_YAML) -> Any:
    """Parsed YAML; `code` (one whose message takes a {detail}) for a problem, with the file and line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        en = error.problem or str(error)
        zh = getattr(error, "zh", None) or _YAML_PROBLEMS_ZH.get(en, en)
        raise WenpingError.of(code, Location(file=file, line=mark.line + 1 if mark else None), detail=zh, detail_en=en) from None
    except yaml.YAMLError as error:
        raise WenpingError.of(code, Location(file=file), detail=str(error)) from None
    except RecursionError:  # libyaml stops at 1000 levels; Python's constructor may give up before
        raise WenpingError.of(code, Location(file=file), detail=f"嵌套超过 {MAX_DEPTH} 层",
                              detail_en=f"nested more than {MAX_DEPTH} levels deep") from None


def load_yaml_file(path: Path, display: str | None = None) -> Any:
    display = display or str(path)
    if not path.is_file():
        raise WenpingError.of(ErrorCode.RULES_MISSING_FILE, Location(file=display), path=display)
    return load_yaml_text(read_text(path, display, ErrorCode.RULES_FILE), display)


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
    """A pydantic error on YAML data as problems naming file, line, the nearest id and the field path, in zh and en."""
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        line, ident = line_of(data, loc)
        field = ".".join(str(part) for part in loc) or "(file)"
        where = Location(file=file, line=line, id=ident, field=field)
        zh, en = describe(item)
        problems.append(Problem(ErrorCode.RULES_SCHEMA, {"field": field, "detail": zh, "detail_en": en}, where))
    return problems
