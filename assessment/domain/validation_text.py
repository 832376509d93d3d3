"""pydantic's validation messages in zh and en, in one place (pydantic's own are English only).

Our own model validators raise `invalid(zh, en)`, whose two texts travel in the error's context.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import Any

from pydantic_core import PydanticCustomError

_BILINGUAL = "wenping_invalid"

# error type → (zh, en) templates over the error's context
_TEMPLATES: dict[str, tuple[str, str]] = {
    "missing": ("缺少此字段", "this field is required"),
    "extra_forbidden": ("不允许此字段（拼写有误，或写错了位置？）", "this field is not allowed (misspelt, or in the wrong place?)"),
    "greater_than": ("应大于 {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("应不小于 {ge}", "must be at least {ge}"),
    "less_than": ("应小于 {lt}", "must be less than {lt}"),
    "less_than_equal": ("应不大于 {le}", "must be at most {le}"),
    "int_type": ("应为整数", "must be a whole number"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_from_float": ("应为整数", "must be a whole number"),
    "float_type": ("应为数字", "must be a number"),
    "float_parsing": ("应为数字", "must be a number"),
    "finite_number": ("应为有限数", "must be a finite number"),
    "string_type": ("应为文字", "must be text"),
    "bool_type": ("应为 true 或 false", "must be true or false"),
    "bool_parsing": ("应为 true 或 false", "must be true or false"),
    "date_type": ("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_parsing": ("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_from_datetime_inexact": ("应为日期 YYYY-MM-DD，不含时刻", "must be a date YYYY-MM-DD without a time"),
    "literal_error": ("应为以下之一：{expected}", "must be one of: {expected}"),
    "enum": ("应为以下之一：{expected}", "must be one of: {expected}"),
    "string_pattern_mismatch": ("格式不符合要求（应匹配 {pattern}）", "does not have the required form (it must match {pattern})"),
    "string_too_short": ("至少需要 {min_length} 个字符", "needs at least {min_length} characters"),
    "string_too_long": ("最多 {max_length} 个字符", "may have at most {max_length} characters"),
    "too_short": ("至少需要 {min_length} 项", "needs at least {min_length} items"),
    "too_long": ("最多 {max_length} 项", "may have at most {max_length} items"),
    "list_type": ("应为列表", "must be a list"),
    "tuple_type": ("应为列表", "must be a list"),
    "dict_type": ("应为映射（键: 值）", "must be a mapping (key: value)"),
    "model_type": ("应为映射（键: 值）", "must be a mapping (key: value)"),
    "model_attributes_type": ("应为映射（键: 值）", "must be a mapping (key: value)"),
}
_NO_INPUT = frozenset({"missing", "extra_forbidden", "model_type", "model_attributes_type", "dict_type"})
_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 60
_SHOW.maxlist = _SHOW.maxtuple = _SHOW.maxdict = 4
_SHOW.maxlevel = 2


def invalid(zh: str, en: str) -> PydanticCustomError:
    """A model validator's error with its message in both languages."""
    return PydanticCustomError(_BILINGUAL, "{en}", {"zh": zh, "en": en})


def shown(value: Any) -> str:
    """A short repr of any value, built without ever rendering the whole of a huge or deeply nested one."""
    return _SHOW.repr(value)


def _number_text(value: Any) -> str:
    """pydantic gives a float field's bound as 0.0; say 0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def describe(error: Mapping[str, Any]) -> tuple[str, str]:
    """One pydantic error (an item of `ValidationError.errors()`) as a (zh, en) message."""
    kind, context = error["type"], error.get("ctx") or {}
    if kind == _BILINGUAL:
        return context["zh"], context["en"]
    if kind == "value_error":  # a plain ValueError from a validator: its text is all there is
        return f"取值无效：{context.get('error', error['msg'])}", str(context.get("error", error["msg"]))
    if kind not in _TEMPLATES:
        return f"取值无效（{error['msg']}）", error["msg"]
    zh, en = _TEMPLATES[kind]
    params = {key: _number_text(value) for key, value in context.items()}
    zh_params = {key: value.replace(" or ", " 或 ") for key, value in params.items()}
    zh, en = zh.format(**zh_params), en.format(**params)
    if kind not in _NO_INPUT and "input" in error:
        got = shown(error["input"])
        zh, en = f"{zh}，实际为 {got}", f"{en}, got {got}"
    return zh, en
