"""The small safe expression language of questionnaires and scoring rules (reference: docs/expressions.md).

An expression is Python expression syntax restricted to a whitelist of constructs, operators and functions.
``parse`` compiles it once into nested closures (never eval or code objects); ``Expression.evaluate`` runs
it against an environment of answers. ``check`` types it against the questionnaire when a rule set loads.

Unanswered values are ``None``, which is neither 0 nor false: it propagates through arithmetic, comparisons
and most functions, and ``and``/``or``/``not`` use three-valued (Kleene) logic.

Environment values: numbers are int/float, yes/no answers bool, text and single choices str, multiple choices
lists of str, dates ``datetime.date`` (or ISO text), tables lists of row dicts.
"""

from __future__ import annotations

import ast
import datetime
import math
import operator
import re
import string
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import Enum
from typing import Any, Callable, Literal, Mapping

from assessment.errors import ErrorCode, Problem, WenpingError

MAX_SOURCE_LENGTH = 2000
MAX_DEPTH = 100  # nesting levels; also bounds the closures' recursion when evaluating
MAX_FORMAT_NUMBER = 100  # largest width or precision in a template's format spec (a huge width is a memory bomb)

Env = Mapping[str, Any]
Run = Callable[[Env], Any]


class ValueType(Enum):
    NUMBER = "number"
    BOOL = "bool"
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    CHOICES = "choices"
    TABLE = "table"
    ANY = "any"


_TYPE_NAMES: dict[ValueType, tuple[str, str]] = {  # (en, zh)
    ValueType.NUMBER: ("a number", "数字"),
    ValueType.BOOL: ("a yes/no value", "逻辑值（是/否）"),
    ValueType.TEXT: ("text", "文字"),
    ValueType.DATE: ("a date", "日期"),
    ValueType.CHOICE: ("a single choice", "单选答案"),
    ValueType.CHOICES: ("a list of choices", "选项列表"),
    ValueType.TABLE: ("a table", "表格"),
    ValueType.ANY: ("any value", "任意值"),
}
_TEXTUAL = frozenset({ValueType.TEXT, ValueType.CHOICE})
_ORDERED = frozenset({ValueType.NUMBER, ValueType.DATE, ValueType.TEXT})


@dataclass(frozen=True)
class TypeInfo:
    kind: ValueType
    choices: frozenset[str] | None = None  # for CHOICE / CHOICES
    columns: Mapping[str, TypeInfo] | None = field(default=None, hash=False)  # for TABLE
    question: str | None = None  # which question it came from, for messages


_ANY = TypeInfo(ValueType.ANY)


def _detail(code: ErrorCode, en: str, zh: str, **params: Any) -> Problem:
    """A problem whose message carries free text in both languages (errors.py: `x_en` replaces `x` in English)."""
    return Problem(code, {"detail": zh, "detail_en": en, **params})


def _runtime_error(en: str, zh: str) -> WenpingError:
    return WenpingError(_detail(ErrorCode.EXPR_RUNTIME, en, zh))


# --- evaluation primitives: None is "unanswered" and propagates


def _constant(value: Any) -> Run:
    return lambda env: value


def _lookup(name: str) -> Run:
    return lambda env: env.get(name)


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float  # bool is deliberately not a number


def _truth(value: Any, snippet: str) -> bool | None:
    if value is None or value is True or value is False:
        return value
    raise _runtime_error(f"`{snippet}` needs yes/no values, got {value!r}", f"“{snippet}”需要逻辑值（是/否），实际为 {value!r}")


def _divide(a: float, b: float) -> float | None:
    return None if b == 0 else a / b


def _floor_divide(a: float, b: float) -> float | None:
    return None if b == 0 else a // b


def _modulo(a: float, b: float) -> float | None:
    return None if b == 0 else a % b


def _member(item: Any, container: Any) -> bool | None:
    """Kleene membership: an item not found in a list that holds an unanswered value might be that value."""
    if isinstance(container, (list, tuple)):
        if item in container:
            return True
        return None if None in container else False
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    raise TypeError(f"`in` needs a list or text on the right, got {container!r}")


def _not_member(item: Any, container: Any) -> bool | None:
    found = _member(item, container)
    return None if found is None else not found


def _and(operands: list[Run], snippet: str) -> Run:
    def run(env: Env) -> bool | None:
        result: bool | None = True
        for operand in operands:
            value = _truth(operand(env), snippet)
            if value is False:
                return False
            if value is None:
                result = None
        return result

    return run


def _or(operands: list[Run], snippet: str) -> Run:
    def run(env: Env) -> bool | None:
        result: bool | None = False
        for operand in operands:
            value = _truth(operand(env), snippet)
            if value is True:
                return True
            if value is None:
                result = None
        return result

    return run


def _not(operand: Run, snippet: str) -> Run:
    def run(env: Env) -> bool | None:
        value = _truth(operand(env), snippet)
        return None if value is None else not value

    return run


def _signed(fn: Callable[[float], float], operand: Run, snippet: str) -> Run:
    def run(env: Env) -> float | None:
        value = operand(env)
        if value is None:
            return None
        if not _is_number(value):
            raise _runtime_error(f"`{snippet}` needs a number, got {value!r}", f"“{snippet}”需要数字，实际为 {value!r}")
        return fn(value)

    return run


def _arithmetic(fn: Callable[[Any, Any], Any], left: Run, right: Run, snippet: str) -> Run:
    def run(env: Env) -> Any:
        a, b = left(env), right(env)
        if a is None or b is None:
            return None
        if not (_is_number(a) and _is_number(b)):  # also stops 'x' * 10**9
            raise _runtime_error(
                f"`{snippet}` needs numbers, got {a!r} and {b!r}", f"“{snippet}”需要数字，实际为 {a!r} 和 {b!r}"
            )
        return fn(a, b)

    return run


def _compare_one(fn: Callable[[Any, Any], Any], left: Run, right: Run) -> Run:
    def run(env: Env) -> bool | None:
        a, b = left(env), right(env)
        return None if a is None or b is None else fn(a, b)

    return run


def _compare_chain(left: Run, steps: list[tuple[Callable[[Any, Any], Any], Run]]) -> Run:
    """``a < b < c`` is ``a < b and b < c`` (Kleene), each operand evaluated once."""

    def run(env: Env) -> bool | None:
        a, result = left(env), True
        for fn, right in steps:
            b = right(env)
            outcome = None if a is None or b is None else fn(a, b)
            if outcome is False:
                return False
            if outcome is None:
                result = None
            a = b
        return result

    return run


def _conditional(test: Run, body: Run, orelse: Run, snippet: str) -> Run:
    def run(env: Env) -> Any:
        condition = _truth(test(env), snippet)
        if condition is None:
            return None
        return body(env) if condition else orelse(env)

    return run


def _sequence(items: list[Run]) -> Run:
    return lambda env: [item(env) for item in items]


def _call(fn: Function, args: list[Run]) -> Run:
    run = fn.run
    if fn.takes_none:
        return lambda env: run(*[arg(env) for arg in args])

    def call(env: Env) -> Any:
        values = [arg(env) for arg in args]
        return None if None in values else run(*values)

    return call


# --- the whitelisted functions' implementations (None already handled unless takes_none)


def _answered(x: Any) -> bool:
    return x is not None


def _coalesce(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _selected(x: Any, option: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return option in x
    if isinstance(x, str):
        return x == option
    raise TypeError(f"selected() needs a choice answer, got {x!r}")


def _count_selected(x: Any) -> int:
    if x is None:
        return 0
    if isinstance(x, str):
        return 1
    if isinstance(x, (list, tuple)):
        return len(x)
    raise TypeError(f"count_selected() needs a choice answer, got {x!r}")


_ROUNDING = Context(prec=1000, rounding=ROUND_HALF_UP)  # enough digits for any float at ±400 places


def _round(x: Any, digits: Any = None) -> float | int:
    """Round half away from zero (四舍五入) on the decimal digits shown, unlike Python's half-to-even round()."""
    if not _is_number(x):
        raise TypeError(f"round() needs a number, got {x!r}")
    if digits is not None and not (_is_number(digits) and float(digits).is_integer()):
        raise ValueError(f"round() needs a whole number of digits, got {digits!r}")
    if isinstance(x, float) and not math.isfinite(x):
        return x
    places = max(-400, min(int(digits or 0), 400))
    rounded = _ROUNDING.quantize(Decimal(repr(x)), Decimal(1).scaleb(-places))
    return float(rounded) if digits is not None and isinstance(x, float) else int(rounded)


def _clamp(x: float, low: float, high: float) -> float:
    return min(max(x, low), high)


def _len(x: Any) -> int:
    if x is None:
        return 0
    if isinstance(x, (str, list, tuple)):
        return len(x)
    raise TypeError(f"len() needs text, a multiple choice or a table, got {x!r}")


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    raise TypeError(f"days_between() needs dates, got {value!r}")


def _days_between(d1: Any, d2: Any) -> int:
    return (_as_date(d2) - _as_date(d1)).days


def _rows(table: Any) -> list[Mapping[str, Any]]:
    if not isinstance(table, (list, tuple)) or not all(isinstance(row, Mapping) for row in table):
        raise TypeError(f"a table (a list of rows) is needed, got {table!r}")
    return list(table)


def _count_rows(table: Any) -> int:
    return len(_rows(table))


def _count_if(table: Any, column: str, value: Any) -> int:
    return sum(1 for row in _rows(table) if _cell_matches(row.get(column), value))


def _cell_matches(cell: Any, value: Any) -> bool:
    return value in cell if isinstance(cell, (list, tuple)) else cell == value


def _column_values(table: Any, column: str) -> list[Any]:
    return [row[column] for row in _rows(table) if row.get(column) is not None]


def _sum_of(table: Any, column: str) -> float:
    return sum(_column_values(table, column))


def _max_of(table: Any, column: str) -> Any:
    values = _column_values(table, column)
    return max(values) if values else None


# --- the whitelist: constructs, operators, functions (docs/expressions.md documents each; a test checks it)

#: Allowed syntax nodes, with the heading under which the reference documents each.
CONSTRUCTS: dict[type[ast.expr], str] = {
    ast.Constant: "literals",
    ast.Name: "names",
    ast.List: "lists",
    ast.Tuple: "lists",
    ast.BinOp: "arithmetic",
    ast.UnaryOp: "arithmetic",
    ast.BoolOp: "logic",
    ast.Compare: "comparison",
    ast.IfExp: "conditional",
    ast.Call: "function calls",
}

#: Lowercase spellings accepted besides Python's True and False (YAML writers use them).
CONSTANT_NAMES: dict[str, bool] = {"true": True, "false": False}

_BINARY: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", _divide),
    ast.FloorDiv: ("//", _floor_divide),
    ast.Mod: ("%", _modulo),
}
_UNARY: dict[type[ast.unaryop], str] = {ast.USub: "-", ast.UAdd: "+", ast.Not: "not"}
_BOOLEAN: dict[type[ast.boolop], tuple[str, Callable[[list[Run], str], Run]]] = {
    ast.And: ("and", _and),
    ast.Or: ("or", _or),
}
_COMPARISONS: dict[type[ast.cmpop], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
    ast.In: ("in", _member),
    ast.NotIn: ("not in", _not_member),
}

#: Every allowed operator and its spelling.
OPERATORS: dict[type[ast.AST], str] = {
    **{op: symbol for op, (symbol, _) in _BINARY.items()},
    **_UNARY,
    **{op: symbol for op, (symbol, _) in _BOOLEAN.items()},
    **{op: symbol for op, (symbol, _) in _COMPARISONS.items()},
}

_BITWISE = {ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~"}
_FORBIDDEN: dict[type[ast.AST], tuple[str, str]] = {
    ast.Attribute: ("attribute access", "属性访问"),
    ast.Subscript: ("subscript", "下标"),
    ast.Lambda: ("lambda", "lambda 函数"),
    ast.ListComp: ("comprehension", "推导式"),
    ast.SetComp: ("comprehension", "推导式"),
    ast.DictComp: ("comprehension", "推导式"),
    ast.GeneratorExp: ("comprehension", "推导式"),
    ast.Dict: ("dictionary", "字典"),
    ast.Set: ("set", "集合"),
    ast.Starred: ("starred argument", "星号参数"),
    ast.keyword: ("keyword argument", "关键字参数"),
    ast.NamedExpr: ("assignment expression", "赋值表达式"),
    ast.JoinedStr: ("f-string", "f 字符串"),
    ast.Pow: ("power operator **", "乘方运算符 **"),
    ast.MatMult: ("operator @", "运算符 @"),
    ast.Is: ("is: use == or answered()", "is：请用 == 或 answered()"),
    ast.IsNot: ("is not: use != or answered()", "is not：请用 != 或 answered()"),
    **{op: (f"bitwise operator {symbol}", f"位运算符 {symbol}") for op, symbol in _BITWISE.items()},
}


def _snippet(source: str, node: ast.AST) -> str:
    return ast.get_source_segment(source, node) or source


def _not_allowed(source: str, node: ast.AST, context: ast.AST | None = None) -> WenpingError:
    """Name the refused construct; ``context`` is the enclosing node for operators, which have no position."""
    if isinstance(node, ast.Constant):
        none = ("use answered(x) to test for an unanswered value", "判断是否未填写请用 answered(x)")
        en, zh = none if node.value is None else ("this kind of constant", "此类常量")
    elif isinstance(node, ast.Call):
        en, zh = "only function names can be called", "只能调用函数名"
    else:
        en, zh = _FORBIDDEN.get(type(node), (type(node).__name__, type(node).__name__))
    snippet = _snippet(source, context or node)
    params = {"construct": f"“{snippet}”（{zh}）", "construct_en": f"`{snippet}` ({en})"}
    return WenpingError(Problem(ErrorCode.EXPR_NOT_ALLOWED, params))


# --- static checking


@dataclass(frozen=True)
class _Arg:
    node: ast.expr
    info: TypeInfo


def _text_literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _comparable(a: TypeInfo, b: TypeInfo) -> bool:
    def group(kind: ValueType) -> ValueType:
        return ValueType.TEXT if kind in _TEXTUAL else kind

    return ValueType.ANY in (a.kind, b.kind) or group(a.kind) == group(b.kind)


def _unify(a: TypeInfo, b: TypeInfo) -> TypeInfo | None:
    """The type of a value that is either a or b (None: incompatible)."""
    if a.kind is ValueType.ANY or a == b:
        return b
    if b.kind is ValueType.ANY:
        return a
    if a.kind == b.kind:
        both = a.choices | b.choices if a.choices is not None and b.choices is not None else None
        return TypeInfo(a.kind, choices=both)
    if a.kind in _TEXTUAL and b.kind in _TEXTUAL:
        return TypeInfo(ValueType.TEXT)
    return None


def _list_type(items: list[TypeInfo]) -> TypeInfo:
    """A list of text is typed like a multiple choice answer; other lists are only checked element by element."""
    return TypeInfo(ValueType.CHOICES) if all(item.kind in _TEXTUAL for item in items) else _ANY


def _kinds_text(kinds: frozenset[ValueType]) -> tuple[str, str]:
    """'a number or a date' in English and Chinese."""
    en, zh = zip(*(_TYPE_NAMES[kind] for kind in sorted(kinds, key=list(ValueType).index)))
    return _alternatives(en, ", ", " or "), _alternatives(zh, "、", "或")


def _alternatives(words: tuple[str, ...], comma: str, or_: str) -> str:
    return words[0] if len(words) == 1 else comma.join(words[:-1]) + or_ + words[-1]


class _Checker(ast.NodeVisitor):
    """Infers types bottom-up, collecting every problem (parse() already refused non-whitelisted syntax)."""

    def __init__(self, source: str, types: Mapping[str, TypeInfo]):
        self.source = source
        self.types = types
        self.problems: list[Problem] = []

    def snippet(self, node: ast.AST) -> str:
        return _snippet(self.source, node)

    def add(self, problem: Problem) -> None:
        if problem not in self.problems:  # a name used twice is reported once
            self.problems.append(problem)

    def type_error(self, en: str, zh: str) -> None:
        self.add(_detail(ErrorCode.EXPR_TYPE, en, zh))

    def require(self, node: ast.AST, info: TypeInfo, kinds: frozenset[ValueType], role: tuple[str, str]) -> None:
        if info.kind is ValueType.ANY or info.kind in kinds:
            return
        need_en, need_zh = _kinds_text(kinds)
        got_en, got_zh = _TYPE_NAMES[info.kind]
        snippet, (role_en, role_zh) = self.snippet(node), role
        self.type_error(
            f"{role_en} needs {need_en}, but `{snippet}` is {got_en}",
            f"{role_zh}需要{need_zh}，但“{snippet}”是{got_zh}",
        )

    def require_arg(self, name: str, index: int, arg: _Arg, kinds: frozenset[ValueType]) -> None:
        role = (f"argument {index + 1} of {name}()", f"{name}() 的第 {index + 1} 个参数")
        self.require(arg.node, arg.info, kinds, role)

    def choice_literal(self, info: TypeInfo, node: ast.AST) -> None:
        """A quoted value compared with a choice question must be one of its choices (catches 'opose')."""
        if info.choices is None:
            return
        literals = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
        for value in filter(None, map(_text_literal, literals)):
            if value not in info.choices:
                choices = sorted(info.choices)
                params = {"value": value, "question": info.question or "?", "choices": "、".join(choices), "choices_en": ", ".join(choices)}
                self.add(Problem(ErrorCode.EXPR_UNKNOWN_CHOICE, params))

    def equality(self, a: _Arg, b: _Arg) -> None:
        if not _comparable(a.info, b.info):
            self.mismatch(a, b)
        self.choice_literal(a.info, b.node)
        self.choice_literal(b.info, a.node)

    def mismatch(self, a: _Arg, b: _Arg) -> None:
        (a_en, a_zh), (b_en, b_zh) = _TYPE_NAMES[a.info.kind], _TYPE_NAMES[b.info.kind]
        left, right = self.snippet(a.node), self.snippet(b.node)
        self.type_error(
            f"cannot compare `{left}` ({a_en}) with `{right}` ({b_en})", f"无法比较“{left}”（{a_zh}）和“{right}”（{b_zh}）"
        )

    def ordering(self, symbol: str, a: _Arg, b: _Arg) -> None:
        role = (f"`{symbol}`", f"“{symbol}”")
        self.require(a.node, a.info, _ORDERED, role)
        self.require(b.node, b.info, _ORDERED, role)
        if a.info.kind in _ORDERED and b.info.kind in _ORDERED and a.info.kind != b.info.kind:
            self.mismatch(a, b)

    def membership(self, item: _Arg, container_node: ast.expr) -> TypeInfo:
        if isinstance(container_node, (ast.List, ast.Tuple)):  # each element is compared with the item
            elements = [_Arg(element, self.visit(element)) for element in container_node.elts]
            for element in elements:
                self.equality(item, element)
            return _list_type([element.info for element in elements])
        container = self.visit(container_node)
        if container.kind in (ValueType.CHOICES, ValueType.TEXT):
            self.require(item.node, item.info, _TEXTUAL, ("`in`", "“in”"))
            self.choice_literal(container, item.node)
        else:
            role = ("the right of `in`", "“in”的右边")
            self.require(container_node, container, frozenset({ValueType.CHOICES, ValueType.TEXT}), role)
        return container

    def column(self, name: str, table: _Arg, column_node: ast.expr) -> TypeInfo:
        """The type of a table's column named by a quoted literal (parse() made sure it is one)."""
        self.require_arg(name, 0, table, frozenset({ValueType.TABLE}))
        columns, column = table.info.columns, _text_literal(column_node)
        if table.info.kind is not ValueType.TABLE or columns is None:
            return _ANY
        if column not in columns:
            table_name = table.info.question or self.snippet(table.node)
            self.add(Problem(ErrorCode.EXPR_UNKNOWN_NAME, {"name": f"{table_name}.{column}"}))
            return _ANY
        return columns[column]

    def date_literal(self, node: ast.expr) -> None:
        text = _text_literal(node)
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            self.type_error(f"'{text}' is not a date written as YYYY-MM-DD", f"“{text}”不是 YYYY-MM-DD 格式的日期")

    def expect(self, info: TypeInfo, expected: ValueType) -> None:
        if info.kind in (ValueType.ANY, expected) or {info.kind, expected} <= _TEXTUAL:
            return
        (got_en, got_zh), (need_en, need_zh) = _TYPE_NAMES[info.kind], _TYPE_NAMES[expected]
        self.type_error(
            f"the expression gives {got_en}, but {need_en} is expected here",
            f"表达式的结果是{got_zh}，但此处需要{need_zh}",
        )

    # one visit_ method per construct in CONSTRUCTS

    def visit_Constant(self, node: ast.Constant) -> TypeInfo:
        if isinstance(node.value, bool):
            return TypeInfo(ValueType.BOOL)
        return TypeInfo(ValueType.TEXT if isinstance(node.value, str) else ValueType.NUMBER)

    def visit_Name(self, node: ast.Name) -> TypeInfo:
        if node.id in CONSTANT_NAMES:
            return TypeInfo(ValueType.BOOL)
        if node.id not in self.types:
            self.add(Problem(ErrorCode.EXPR_UNKNOWN_NAME, {"name": node.id}))
            return _ANY
        return self.types[node.id]

    def visit_List(self, node: ast.List | ast.Tuple) -> TypeInfo:
        return _list_type([self.visit(element) for element in node.elts])

    visit_Tuple = visit_List

    def visit_BinOp(self, node: ast.BinOp) -> TypeInfo:
        symbol = OPERATORS[type(node.op)]
        for operand in (node.left, node.right):
            self.require(operand, self.visit(operand), frozenset({ValueType.NUMBER}), (f"`{symbol}`", f"“{symbol}”"))
        return TypeInfo(ValueType.NUMBER)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> TypeInfo:
        symbol = OPERATORS[type(node.op)]
        kind = ValueType.BOOL if isinstance(node.op, ast.Not) else ValueType.NUMBER
        self.require(node.operand, self.visit(node.operand), frozenset({kind}), (f"`{symbol}`", f"“{symbol}”"))
        return TypeInfo(kind)

    def visit_BoolOp(self, node: ast.BoolOp) -> TypeInfo:
        symbol = OPERATORS[type(node.op)]
        for operand in node.values:
            self.require(operand, self.visit(operand), frozenset({ValueType.BOOL}), (f"`{symbol}`", f"“{symbol}”"))
        return TypeInfo(ValueType.BOOL)

    def visit_Compare(self, node: ast.Compare) -> TypeInfo:
        left = _Arg(node.left, self.visit(node.left))
        for op, right_node in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                right = _Arg(right_node, self.membership(left, right_node))
            else:
                right = _Arg(right_node, self.visit(right_node))
                if isinstance(op, (ast.Eq, ast.NotEq)):
                    self.equality(left, right)
                else:
                    self.ordering(OPERATORS[type(op)], left, right)
            left = right
        return TypeInfo(ValueType.BOOL)

    def visit_IfExp(self, node: ast.IfExp) -> TypeInfo:
        role = ("the condition of `if … else`", "“if … else”的条件")
        self.require(node.test, self.visit(node.test), frozenset({ValueType.BOOL}), role)
        body, orelse = self.visit(node.body), self.visit(node.orelse)
        unified = _unify(body, orelse)
        if unified is None:
            (b_en, b_zh), (o_en, o_zh) = _TYPE_NAMES[body.kind], _TYPE_NAMES[orelse.kind]
            self.type_error(
                f"the two branches of `{self.snippet(node)}` give different types: {b_en} and {o_en}",
                f"“{self.snippet(node)}”的两个分支类型不同：{b_zh}和{o_zh}",
            )
            return _ANY
        return unified

    def visit_Call(self, node: ast.Call) -> TypeInfo:
        name = node.func.id
        return FUNCTIONS[name].check(self, name, [_Arg(arg, self.visit(arg)) for arg in node.args])


# --- per-function type rules

_ALL_KINDS = frozenset(ValueType)
_NUMBER = frozenset({ValueType.NUMBER})


def _returns(result: ValueType, *params: frozenset[ValueType]) -> Callable[[_Checker, str, list[_Arg]], TypeInfo]:
    """A type rule from the parameters' accepted kinds (the last repeats) and a fixed result kind."""

    def check(checker: _Checker, name: str, args: list[_Arg]) -> TypeInfo:
        for index, arg in enumerate(args):
            checker.require_arg(name, index, arg, params[min(index, len(params) - 1)])
        return TypeInfo(result)

    return check


def _check_coalesce(checker: _Checker, name: str, args: list[_Arg]) -> TypeInfo:
    result = args[0].info
    for arg in args[1:]:
        unified = _unify(result, arg.info)
        if unified is None:
            checker.mismatch(args[0], arg)
            return _ANY
        result = unified
    return result


def _check_selected(checker: _Checker, name: str, args: list[_Arg]) -> TypeInfo:
    answer, option = args
    checker.require_arg(name, 0, answer, frozenset({ValueType.CHOICE, ValueType.CHOICES}))
    checker.require_arg(name, 1, option, _TEXTUAL)
    checker.choice_literal(answer.info, option.node)
    return TypeInfo(ValueType.BOOL)


def _check_extremum(checker: _Checker, name: str, args: list[_Arg]) -> TypeInfo:
    """min/max: all numbers or all dates."""
    known = [arg for arg in args if arg.info.kind is not ValueType.ANY]
    if not known:
        return _ANY
    kind = known[0].info.kind if known[0].info.kind is ValueType.DATE else ValueType.NUMBER
    for index, arg in enumerate(args):
        checker.require_arg(name, index, arg, frozenset({kind}))
    return TypeInfo(kind)


def _check_days_between(checker: _Checker, name: str, args: list[_Arg]) -> TypeInfo:
    for index, arg in enumerate(args):
        if _text_literal(arg.node) is not None:
            checker.date_literal(arg.node)
        else:
            checker.require_arg(name, index, arg, frozenset({ValueType.DATE}))
    return TypeInfo(ValueType.NUMBER)


def _check_count_if(checker: _Checker, name: str, args: list[_Arg]) -> TypeInfo:
    table, column_arg, value = args
    column = checker.column(name, table, column_arg.node)
    if column.kind is ValueType.CHOICES:  # a cell of a multiple-choice column is matched option by option
        column = TypeInfo(ValueType.TEXT, column.choices, question=column.question)
    checker.equality(_Arg(column_arg.node, column), value)
    return TypeInfo(ValueType.NUMBER)


def _check_sum_of(checker: _Checker, name: str, args: list[_Arg]) -> TypeInfo:
    table, column_arg = args
    checker.require(column_arg.node, checker.column(name, table, column_arg.node), _NUMBER, (f"{name}()", f"{name}()"))
    return TypeInfo(ValueType.NUMBER)


def _check_max_of(checker: _Checker, name: str, args: list[_Arg]) -> TypeInfo:
    table, column_arg = args
    column = checker.column(name, table, column_arg.node)
    checker.require(column_arg.node, column, frozenset({ValueType.NUMBER, ValueType.DATE}), (f"{name}()", f"{name}()"))
    return column if column.kind is ValueType.DATE else TypeInfo(ValueType.NUMBER)


@dataclass(frozen=True)
class Function:
    """A whitelisted function: its documented signature, arity, implementation and type rule."""

    signature: str
    min_args: int
    max_args: int | None  # None: any number
    run: Callable[..., Any]
    check: Callable[[_Checker, str, list[_Arg]], TypeInfo]
    takes_none: bool = False  # False: any unanswered argument makes the result unanswered without calling run
    column_arg: int | None = None  # position of an argument that must be a quoted column name

    @property
    def arity(self) -> str:
        if self.max_args is None:
            return f"≥{self.min_args}"
        return str(self.min_args) if self.min_args == self.max_args else f"{self.min_args}–{self.max_args}"


_TABLE = frozenset({ValueType.TABLE})

#: The only callable functions, by name.
FUNCTIONS: dict[str, Function] = {
    "answered": Function("answered(x)", 1, 1, _answered, _returns(ValueType.BOOL, _ALL_KINDS), takes_none=True),
    "coalesce": Function("coalesce(a, b, ...)", 2, None, _coalesce, _check_coalesce, takes_none=True),
    "selected": Function("selected(x, option)", 2, 2, _selected, _check_selected),
    "count_selected": Function(
        "count_selected(x)", 1, 1, _count_selected,
        _returns(ValueType.NUMBER, frozenset({ValueType.CHOICE, ValueType.CHOICES})), takes_none=True,
    ),
    "min": Function("min(a, b, ...)", 2, None, min, _check_extremum),
    "max": Function("max(a, b, ...)", 2, None, max, _check_extremum),
    "abs": Function("abs(x)", 1, 1, abs, _returns(ValueType.NUMBER, _NUMBER)),
    "round": Function("round(x[, n])", 1, 2, _round, _returns(ValueType.NUMBER, _NUMBER)),
    "clamp": Function("clamp(x, low, high)", 3, 3, _clamp, _returns(ValueType.NUMBER, _NUMBER)),
    "len": Function(
        "len(x)", 1, 1, _len,
        _returns(ValueType.NUMBER, frozenset({ValueType.TEXT, ValueType.CHOICES, ValueType.TABLE})), takes_none=True,
    ),
    "days_between": Function("days_between(d1, d2)", 2, 2, _days_between, _check_days_between),
    "count_rows": Function("count_rows(table)", 1, 1, _count_rows, _returns(ValueType.NUMBER, _TABLE)),
    "count_if": Function("count_if(table, 'column', value)", 3, 3, _count_if, _check_count_if, column_arg=1),
    "sum_of": Function("sum_of(table, 'column')", 2, 2, _sum_of, _check_sum_of, column_arg=1),
    "max_of": Function("max_of(table, 'column')", 2, 2, _max_of, _check_max_of, column_arg=1),
}


# --- compiling to closures


class _Compiler(ast.NodeVisitor):
    """Turns a whitelisted AST into nested closures, refusing anything else; records the names used."""

    def __init__(self, source: str):
        self.source = source
        self.names: set[str] = set()
        self.depth = 0
        self.divides = False

    def visit(self, node: ast.AST) -> Run:
        if type(node) not in CONSTRUCTS:
            raise _not_allowed(self.source, node)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise WenpingError(_syntax(f"nested more than {MAX_DEPTH} levels deep", f"嵌套超过 {MAX_DEPTH} 层"))
        run = super().visit(node)
        self.depth -= 1
        return run

    def snippet(self, node: ast.AST) -> str:
        return _snippet(self.source, node)

    def visit_Constant(self, node: ast.Constant) -> Run:
        if type(node.value) not in (bool, int, float, str):
            raise _not_allowed(self.source, node)
        return _constant(node.value)

    def visit_Name(self, node: ast.Name) -> Run:
        if node.id in CONSTANT_NAMES:
            return _constant(CONSTANT_NAMES[node.id])
        self.names.add(node.id)
        return _lookup(node.id)

    def visit_List(self, node: ast.List | ast.Tuple) -> Run:
        return _sequence([self.visit(element) for element in node.elts])

    visit_Tuple = visit_List

    def visit_BinOp(self, node: ast.BinOp) -> Run:
        if type(node.op) not in _BINARY:
            raise _not_allowed(self.source, node.op, node)
        _, fn = _BINARY[type(node.op)]
        self.divides |= isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod))
        return _arithmetic(fn, self.visit(node.left), self.visit(node.right), self.snippet(node))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Run:
        if type(node.op) not in _UNARY:
            raise _not_allowed(self.source, node.op, node)
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return _not(operand, self.snippet(node))
        return _signed(operator.neg if isinstance(node.op, ast.USub) else operator.pos, operand, self.snippet(node))

    def visit_BoolOp(self, node: ast.BoolOp) -> Run:
        _, combine = _BOOLEAN[type(node.op)]
        return combine([self.visit(value) for value in node.values], self.snippet(node))

    def visit_Compare(self, node: ast.Compare) -> Run:
        left, steps = self.visit(node.left), []
        for op, right in zip(node.ops, node.comparators):
            if type(op) not in _COMPARISONS:
                raise _not_allowed(self.source, op, node)
            steps.append((_COMPARISONS[type(op)][1], self.visit(right)))
        if len(steps) == 1:
            return _compare_one(steps[0][0], left, steps[0][1])
        return _compare_chain(left, steps)

    def visit_IfExp(self, node: ast.IfExp) -> Run:
        test, body, orelse = self.visit(node.test), self.visit(node.body), self.visit(node.orelse)
        return _conditional(test, body, orelse, self.snippet(node.test))

    def visit_Call(self, node: ast.Call) -> Run:
        if not isinstance(node.func, ast.Name):  # a method call is refused as attribute access
            raise _not_allowed(self.source, node if type(node.func) in CONSTRUCTS else node.func)
        if node.keywords:
            raise _not_allowed(self.source, node.keywords[0])
        args = [self.visit(arg) for arg in node.args]  # first, so that `min(*x)` is refused as starred
        fn = FUNCTIONS.get(node.func.id)
        if fn is None:
            raise WenpingError.of(ErrorCode.EXPR_UNKNOWN_FUNCTION, name=node.func.id, allowed=", ".join(FUNCTIONS))
        count = len(node.args)
        if count < fn.min_args or (fn.max_args is not None and count > fn.max_args):
            raise WenpingError.of(ErrorCode.EXPR_ARITY, name=node.func.id, expected=fn.arity, got=count)
        if fn.column_arg is not None and _text_literal(node.args[fn.column_arg]) is None:
            column = self.snippet(node.args[fn.column_arg])
            raise WenpingError(_column_literal_problem(node.func.id, fn.column_arg, column))
        return _call(fn, args)


def _column_literal_problem(name: str, index: int, snippet: str) -> Problem:
    return _detail(
        ErrorCode.EXPR_TYPE,
        f"argument {index + 1} of {name}() must be a column name in quotes, e.g. 'area', not `{snippet}`",
        f"{name}() 的第 {index + 1} 个参数必须是加引号的列名，如 'area'，而不是“{snippet}”",
    )


def _syntax(en: str, zh: str, **params: Any) -> Problem:
    return _detail(ErrorCode.EXPR_SYNTAX, en, zh, **params)


def _syntax_error_problem(error: SyntaxError, source: str) -> Problem:
    column = error.offset if error.offset and error.offset > 0 else len(source) + 1  # offset 0: at the end
    hint = "（请使用英文半角符号）" if error.msg.startswith("invalid character") else ""
    return _syntax(
        f"`{source}`: {error.msg} at column {column}",
        f"“{source}”第 {column} 列：{error.msg}{hint}", column=column,
    )


# --- public API


@dataclass(frozen=True)
class Expression:
    """A parsed expression; immutable, equal and hashable by its source."""

    source: str
    names: frozenset[str] = field(compare=False)  # every name it refers to
    _tree: ast.expr = field(compare=False, repr=False)
    _run: Run = field(compare=False, repr=False)
    divides: bool = field(default=False, compare=False)  # it divides: a zero divisor leaves it unanswered

    def evaluate(self, env: Env) -> Any:
        """The value for these answers; names missing from env count as unanswered (None)."""
        try:
            return self._run(env)
        except (TypeError, ValueError, ArithmeticError) as error:  # wrong value types in env
            en, zh = f"`{self.source}`: {error}", f"“{self.source}”：{error}"
            raise WenpingError(_detail(ErrorCode.EXPR_RUNTIME, en, zh)) from error


def _source_text(source: str | int | float | bool) -> str:
    """YAML gives `impact: 4` as an int and `when: yes` as a bool: accept such constants."""
    if isinstance(source, str):
        # YAML block scalars keep line breaks; an expression is one logical line.
        return source.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").strip()
    if isinstance(source, bool) or (isinstance(source, (int, float)) and math.isfinite(source)):
        return repr(source)
    kind = type(source).__name__
    raise WenpingError(_syntax(f"expected an expression, got {source!r} ({kind})", f"应为表达式，实际为 {source!r}（{kind}）"))


def parse(source: str | int | float | bool) -> Expression:
    """Parse and compile once. Raises WenpingError for syntax errors, refused constructs, unknown functions, arity."""
    text = _source_text(source)
    if not text:
        raise WenpingError(_syntax("the expression is empty", "表达式为空"))
    if len(text) > MAX_SOURCE_LENGTH:
        raise WenpingError(_syntax(f"longer than {MAX_SOURCE_LENGTH} characters", f"超过 {MAX_SOURCE_LENGTH} 个字符"))
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise WenpingError(_syntax_error_problem(error, text)) from None
    except (ValueError, RecursionError, MemoryError):  # null bytes; nesting too deep for the parser
        raise WenpingError(_syntax("the expression cannot be read", "无法解析该表达式")) from None
    compiler = _Compiler(text)
    run = compiler.visit(tree)
    return Expression(text, frozenset(compiler.names), tree, run, compiler.divides)


def check(expr: Expression, types: Mapping[str, TypeInfo], expect: ValueType | None = None) -> TypeInfo:
    """Type-check against the questions' types; raise one WenpingError listing every problem found."""
    checker = _Checker(expr.source, types)
    info = checker.visit(expr._tree)
    if expect is not None and expect is not ValueType.ANY and not checker.problems:
        checker.expect(info, expect)
    if checker.problems:
        raise WenpingError(checker.problems)
    return info


# --- what a number expression can give, for checking levels at load time


def out_of_range(expr: Expression, low: int, high: int) -> list[tuple[str, float, float]]:
    """The results of `expr` (each branch of a conditional) that are certainly not a whole number in low..high.

    Each is (source text, least, greatest value it can give). Only what can be proven is reported: a branch
    that reads an answer may still give a good level for every answer, and is then checked when scored.
    """
    found = []
    for node in _results(expr._tree):
        least, greatest = _bounds(node)
        if greatest < low or least > high or (least == greatest and not float(least).is_integer()):
            found.append((_snippet(expr.source, node), least, greatest))
    return found


def _results(node: ast.expr) -> list[ast.expr]:
    """The parts whose value can be the result: both branches of a conditional, recursively."""
    if isinstance(node, ast.IfExp):
        return _results(node.body) + _results(node.orelse)
    return [node]


_UNBOUNDED = (-math.inf, math.inf)
_COUNTS = frozenset({"count_selected", "len", "count_rows", "count_if"})


def _bounds(node: ast.expr) -> tuple[float, float]:
    """An interval holding every number `node` can give (unbounded where it reads answers)."""
    if isinstance(node, ast.Constant):
        return (_as_float(node.value),) * 2 if _is_number(node.value) else _UNBOUNDED
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        least, greatest = _bounds(node.operand)
        return (-greatest, -least) if isinstance(node.op, ast.USub) else (least, greatest)
    if isinstance(node, ast.IfExp):
        (a, b), (c, d) = _bounds(node.body), _bounds(node.orelse)
        return min(a, c), max(b, d)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        return _arithmetic_bounds(node.op, _bounds(node.left), _bounds(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _call_bounds(node.func.id, [_bounds(arg) for arg in node.args])
    return _UNBOUNDED


def _as_float(number: float) -> float:
    """An int of hundreds of digits is beyond any float: it counts as infinite here."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _arithmetic_bounds(op: ast.operator, left: tuple[float, float], right: tuple[float, float]) -> tuple[float, float]:
    (a, b), (c, d) = left, right
    if isinstance(op, ast.Add):
        candidates = [a + c, b + d]
    elif isinstance(op, ast.Sub):
        candidates = [a - d, b - c]
    else:
        candidates = [a * c, a * d, b * c, b * d]
    if any(math.isnan(x) for x in candidates):  # inf - inf, 0 × inf: nothing is known
        return _UNBOUNDED
    return min(candidates), max(candidates)


def _call_bounds(name: str, args: list[tuple[float, float]]) -> tuple[float, float]:
    if name == "min" and args:
        return min(a for a, _ in args), min(b for _, b in args)
    if name == "max" and args:
        return max(a for a, _ in args), max(b for _, b in args)
    if name == "clamp" and len(args) == 3:  # min(max(x, low), high)
        (a, b), (c, d), (e, f) = args
        raised = max(a, c), max(b, d)
        return min(raised[0], e), min(raised[1], f)
    if name in _COUNTS:
        return 0, math.inf
    return _UNBOUNDED


# --- templates


_UNANSWERED = {"zh": "未填写", "en": "not answered"}
_UNCOMPUTABLE = {
    True: {"zh": "无法计算（除数为零）", "en": "cannot be computed (division by zero)"},
    False: {"zh": "无法计算", "en": "cannot be computed"},
}
_YES_NO = {"zh": ("否", "是"), "en": ("no", "yes")}
_LIST_SEPARATOR = {"zh": "、", "en": ", "}
_GROUP_FROM = {"zh": 10_000, "en": 1_000}  # digits grouped by thousands from here (in Chinese 四位数不分节)


@dataclass(frozen=True)
class Uncomputable:
    """The value shown for a calculation whose inputs are all answered but which gives none."""

    division: bool  # the calculation divides, so a divisor was zero

    def text(self, lang: Literal["zh", "en"]) -> str:
        return _UNCOMPUTABLE[self.division][lang]


@dataclass(frozen=True)
class _Field:
    name: str
    spec: str  # Python's format mini-language
    plural: tuple[str, str] | None  # English words for one and for any other number, after the number


@dataclass(frozen=True)
class Template:
    """A `because` text with {name} or {name:spec} fields; equal and hashable by its source."""

    source: str
    names: frozenset[str] = field(compare=False)
    _parts: tuple[tuple[str, _Field | None], ...] = field(compare=False, repr=False)  # literal, then a field

    def render(self, env: Env, lang: Literal["zh", "en"]) -> str:
        pieces = []
        for literal, part in self._parts:
            pieces.append(literal)
            if part is not None:
                pieces.append(_render_field(env.get(part.name), part, lang))
        return "".join(pieces)

    def problems(self, types: Mapping[str, TypeInfo]) -> list[Problem]:
        """Formats that do not fit the type of the answer they format (checked when the rule set loads)."""
        found = []
        for _, part in self._parts:
            if part is not None and part.name in types and (part.spec or part.plural):
                problem = _format_problem(part, types[part.name].kind)
                if problem is not None and problem not in found:
                    found.append(problem)
        return found


def _render_field(value: Any, part: _Field, lang: Literal["zh", "en"]) -> str:
    text = _render_value(value, part.spec, lang)
    if part.plural is None or not _is_number(value):
        return text
    return f"{text} {part.plural[0] if value == 1 else part.plural[1]}"


def _render_value(value: Any, spec: str, lang: Literal["zh", "en"]) -> str:
    if value is None:
        return _UNANSWERED[lang]
    if isinstance(value, Uncomputable):
        return value.text(lang)
    if isinstance(value, bool):
        return _YES_NO[lang][value]
    if isinstance(value, (list, tuple)):
        return _LIST_SEPARATOR[lang].join(_render_value(item, "", lang) for item in value)
    if not spec and _is_number(value):
        return _plain_number(value, lang)
    try:
        return format(value, spec)
    except (TypeError, ValueError):  # a name of unknown type at load time (a calculation that may give either)
        return str(value)


def _plain_number(value: float, lang: Literal["zh", "en"]) -> str:
    """152000.0 as 152,000 (en) or 152000 (zh); 386500 as 386,500; fractions to at most 4 places."""
    grouped = abs(value) >= _GROUP_FROM[lang]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if grouped else str(value)
    text = (f"{value:,.4f}" if grouped else f"{value:.4f}").rstrip("0").rstrip(".")
    return text if text not in ("0", "-0") else f"{value:.2g}"


# a sample value of each type, to try a format on; None: the type takes no format
_FORMAT_SAMPLES: dict[ValueType, tuple[Any, ...] | None] = {
    ValueType.NUMBER: (1.5, 1),  # either will do: an integer question's `d` fits its whole numbers
    ValueType.TEXT: ("文字",),
    ValueType.CHOICE: ("文字",),
    ValueType.DATE: (datetime.date(2026, 1, 1),),
    ValueType.BOOL: None,
    ValueType.CHOICES: None,
    ValueType.TABLE: None,
}


def _format_problem(part: _Field, kind: ValueType) -> Problem | None:
    shown = "{" + part.name + ":" + part.spec + ("|" + "|".join(part.plural) if part.plural else "") + "}"
    type_en, type_zh = _TYPE_NAMES[kind]
    if kind is ValueType.ANY:
        return None
    if part.plural is not None and kind is not ValueType.NUMBER:
        return _detail(ErrorCode.EXPR_TEMPLATE, f"{shown}: singular and plural words follow numbers only, not {type_en}",
                       f"{shown}：单复数写法只能用于数字，不能用于{type_zh}")
    samples = _FORMAT_SAMPLES[kind]
    if not part.spec:
        return None
    if samples is None:
        return _detail(ErrorCode.EXPR_TEMPLATE, f"{shown}: {type_en} takes no format (write {{{part.name}}})",
                       f"{shown}：{type_zh}不能指定格式（请写作 {{{part.name}}}）")
    fits = kind is not ValueType.DATE or "%" in part.spec  # a date takes any text as strftime; without % it is lost
    for sample in samples if fits else ():
        try:
            format(sample, part.spec)
            return None
        except (TypeError, ValueError):
            continue
    return _detail(ErrorCode.EXPR_TEMPLATE, f"{shown}: the format '{part.spec}' does not fit {type_en} (e.g. .0% for a fraction, ,.2f for an amount)",
                   f"{shown}：格式“{part.spec}”不适用于{type_zh}（如比例可写 .0%，金额可写 ,.2f）")


def _template_error(en: str, zh: str) -> WenpingError:
    return WenpingError(_detail(ErrorCode.EXPR_TEMPLATE, en, zh))


def _template_field(name: str, spec: str, conversion: str | None) -> _Field:
    """Only plain names: `{x.__class__}` or `{x[0]}` would reach into Python objects."""
    if not name.isidentifier() or conversion is not None:
        shown = "{" + name + (f"!{conversion}" if conversion else "") + "}"
        raise _template_error(
            f"{shown}: a field must be a plain name such as {{compensation_ratio}}",
            f"{shown}：字段只能是简单名称，如 {{compensation_ratio}}",
        )
    if "{" in spec:
        raise _template_error(
            f"{{{name}:{spec}}}: nested fields are not allowed in a format",
            f"{{{name}:{spec}}}：格式中不允许嵌套字段",
        )
    if any(int(n) > MAX_FORMAT_NUMBER for n in re.findall("[0-9]+", spec)):
        raise _template_error(
            f"{{{name}:{spec}}}: width or precision above {MAX_FORMAT_NUMBER}",
            f"{{{name}:{spec}}}：宽度或精度超过 {MAX_FORMAT_NUMBER}",
        )
    spec, *words = spec.split("|")
    if words and (len(words) != 2 or not all(w.strip() for w in words)):
        raise _template_error(
            f"{{{name}:{spec}|{'|'.join(words)}}}: write the two words as {{{name}:|petition|petitions}}",
            f"{{{name}:{spec}|{'|'.join(words)}}}：单复数须写两个词，如 {{{name}:|petition|petitions}}",
        )
    return _Field(name, spec, (words[0].strip(), words[1].strip()) if words else None)


def parse_template(text: str) -> Template:
    if not isinstance(text, str):
        raise _template_error(f"expected text, got {text!r}", f"应为文字，实际为 {text!r}")
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError as error:  # unbalanced braces
        raise _template_error(f"{error} (write {{{{ and }}}} for literal braces)", "花括号不成对（字面花括号请写作 {{ 和 }}）") from None
    parts = tuple(
        (literal, None if name is None else _template_field(name, spec or "", conversion))
        for literal, name, spec, conversion in pieces
    )
    return Template(text, frozenset(part.name for _, part in parts if part is not None), parts)
