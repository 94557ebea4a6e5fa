"""Checks and normalizes an action's input against its declared fields; every bad field is named."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from engine.definitions import Field, FieldType
from engine.errors import InvalidInput


def clean(fields: Sequence[Field], raw: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-safe values (dates as ISO text) for every declared field, or InvalidInput listing all errors."""
    known = {f.name for f in fields}
    errors = {name: "不是此事项的填写项" for name in raw if name not in known}
    cleaned: dict[str, Any] = {}
    for spec in fields:
        value = raw.get(spec.name)
        if value is None or value == "":
            if spec.required:
                errors[spec.name] = f"请填写“{spec.label}”"
            continue
        try:
            cleaned[spec.name] = _convert(spec, value)
        except ValueError as exc:
            errors[spec.name] = f"“{spec.label}”{exc}"
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _convert(spec: Field, value: Any) -> Any:
    if spec.type in (FieldType.INTEGER, FieldType.PERSON, FieldType.ORG):
        return _integer(spec, value)
    if spec.type is FieldType.DATE:
        return _date(value)
    if spec.type is FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        if value in ("true", "1", "on", "是"):
            return True
        if value in ("false", "0", "off", "否"):
            return False
        raise ValueError("应为是或否")
    if spec.type is FieldType.CHOICE:
        if value not in {v for v, _ in spec.choices}:
            raise ValueError("不在可选范围内")
        return value
    text = str(value).strip()
    if len(text) > spec.max_length:
        raise ValueError(f"不能超过{spec.max_length}个字")
    return text


def _integer(spec: Field, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError("应为整数") from None
    if isinstance(value, float) and value != number:
        raise ValueError("应为整数")
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"不能小于{spec.minimum}")
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"不能大于{spec.maximum}")
    return number


def _date(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError("应为日期，格式如 2026-05-11") from None
