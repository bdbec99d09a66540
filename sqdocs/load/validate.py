"""Validate plain YAML data against a model class; turn pydantic's errors into diagnostics."""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sqdocs.load.diagnostics import Diagnostic, Loc, format_key
from sqdocs.load.yamlfile import YamlDoc
from sqdocs.model.common import invisible_character, invisible_name
from sqdocs.model.results import INDICATOR_ID
from sqdocs.text.roc import ROC_OFFSET, example_date
from sqdocs.text.suggest import closest, suggest

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    str: "文字", int: "整數", float: "數字", bool: "是/否（true/false）",
    list: "清單", dict: "欄位對照", type(None): "空值", date: "日期", datetime: "日期時間",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "大於或等於"), "greater_than": ("gt", "大於"),
    "less_than_equal": ("le", "小於或等於"), "less_than": ("lt", "小於"),
}


def _describe(value: Any) -> str:
    for kind, name in _TYPE_NAMES.items():
        if type(value) is kind:
            return name
    return type(value).__name__


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that holds the field at ``loc`` (for suggesting field names)."""
    current: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """``list[Item]`` → Item, ``Clause | None`` → Clause."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (list, tuple, set):
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def _message(error: dict[str, Any], model: type[BaseModel]) -> tuple[str, bool]:
    """A Chinese message for one pydantic error; the flag says it points at a key, not a value."""
    kind = error["type"]
    loc = tuple(error["loc"])
    value = error.get("input")
    ctx = error.get("ctx", {})
    if kind == "missing":
        return f"缺少必填欄位「{loc[-1]}」", False
    if kind == "extra_forbidden":
        holder = _model_at(model, loc[:-1])
        fields = list(holder.model_fields) if holder else []
        key = str(loc[-1])
        if found := invisible_character(key):
            # 「未知的欄位「results」，是不是「results」？」 showed nothing to fix: a BOM two files joined
            # into one leave mid-file, or a zero-width space pasted in, is named.
            clean = "".join(c for c in key if not invisible_character(c))
            hint = "" if clean in fields else suggest(clean, fields)
            return f"欄位「{clean}」含有看不見的字元 {invisible_name(found.group())}；請刪除此字元{hint}", True
        hint = suggest(key, fields) or (f"；可用的欄位：{'、'.join(fields)}" if fields else "")
        return f"未知的欄位「{key}」{hint}", True
    if kind in ("string_type", "int_type", "int_parsing", "float_type", "float_parsing", "bool_type",
                "bool_parsing", "list_type", "dict_type", "model_type", "model_attributes_type", "date_type"):
        want = {
            "string_type": "文字", "int_type": "整數", "int_parsing": "整數", "float_type": "數字",
            "float_parsing": "數字", "bool_type": "是/否（true 或 false）", "bool_parsing": "是/否（true 或 false）",
            "list_type": "清單（每項以「- 」開頭）", "dict_type": "欄位對照（欄位: 值）",
            "model_type": "欄位對照（欄位: 值）", "model_attributes_type": "欄位對照（欄位: 值）",
            "date_type": f"民國日期（如 {example_date()}）",
        }[kind]
        # Quotes make a number, a date or a yes into a text; a list or a mapping they do not.
        quote = kind == "string_type" and isinstance(value, int | float | date)
        hint = "；若文字以數字開頭或含特殊符號，請加雙引號" if quote else ""
        if kind in ("int_parsing", "float_parsing") and re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", str(value)):
            hint = f"；數字請勿加千分位逗號，請寫成 {str(value).replace(',', '')}"
        narrow = unicodedata.normalize("NFKC", str(value))  # typed in the IME's full-width mode: １０７
        if kind in ("int_parsing", "float_parsing") and narrow != value and re.fullmatch(r"-?\d+(\.\d+)?", narrow):
            hint = f"；數字請用半形（全形數字是文字），請寫成 {narrow}"
        unit = re.fullmatch(r"(民國)?\s*([+-]?\d+(?:\.\d+)?)\s*([%％]|[^\d\s.,，]{1,4})?", narrow)
        if kind in ("int_parsing", "float_parsing") and unit and (unit[1] or unit[3]):
            # 312件, 95%, 民國108年: what a unit would write in a report
            percent = "（百分比以 0–100 填寫，85% 填 85）" if unit[3] and unit[3] in "%％" else ""
            extra = "與".join(f"「{word}」" for word in (unit[1], unit[3]) if word)
            hint = f"；請刪除{extra}，只填 {unit[2]}{percent}"
        if kind == "list_type" and isinstance(value, str) and value.strip()[:1] in "［【〔" and value.strip()[-1:] in "］】〕":
            items = re.sub(r"\s*[，、,]\s*", ", ", value.strip()[1:-1].strip())  # typed in the IME's full-width mode
            hint = f"；清單請用半形方括號與逗號，寫成 [{items}]"
        if value is None and kind in ("list_type", "dict_type", "model_type") and loc and isinstance(loc[-1], str):
            # `indicators:` left with nothing under it once its last line was deleted
            holder = _model_at(model, loc[:-1])
            info = holder.model_fields.get(loc[-1]) if holder else None
            if info is not None and not info.is_required():
                hint = f"；「{loc[-1]}:」之下沒有任何內容：請在其下填寫，或刪除「{loc[-1]}:」這一行"
        if kind == "bool_type" and isinstance(value, str | int | float):  # "no" quoted, 1, 0: true or false, bare
            hint = "；請寫 true 或 false（不加引號）"
        # a number written in words or with a unit (九十, 95%, 3 件), a quoted "no": the line alone does not show which
        shown = f"「{value}」" if kind in ("int_parsing", "float_parsing", "bool_type") and isinstance(value, str) else ""
        return f"應為{want}，實際是{_describe(value)}{shown}{hint}", False
    if kind == "too_short":
        return "不可為空清單，至少要有一項", False
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        wanted = "或".join(f"「{c}」" for c in choices)
        if isinstance(value, bool):
            return f"應為{wanted}，實際是是非值 {format_key(value)}（YAML 把 yes、no、on、off 讀成 true、false）", False
        if not isinstance(value, str):  # an empty value, a list, a number: shown as YAML reads it, not as Python does
            return f"應為{wanted}，實際是{_describe(value)}{_scalar(value)}", False
        if value.strip() in choices:
            return f"「{value}」的前後多了空白；請寫成「{value.strip()}」", False
        return f"「{value}」不是可用的值；應為{wanted}", False
    if kind in _BOUNDS:
        bound, words = _BOUNDS[kind]
        hint = ""
        if loc and loc[-1] == "year" and isinstance(value, int) and value > ROC_OFFSET:
            hint = f"；year 是民國年度，西元 {value} 年請寫 {value - ROC_OFFSET}"
        limit = ctx.get(bound)
        if isinstance(limit, float) and limit.is_integer():  # a float field's ge=0 reads 0.0 to pydantic
            limit = int(limit)
        return f"數值 {value} 超出範圍，應{words} {limit}{hint}", False
    if kind == "int_from_float":
        return f"應為整數，實際是有小數的數字 {value}", False
    if kind == "finite_number":
        return f"「{format_key(value)}」不是有限的數字；請填實際的數字", False
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == INDICATOR_ID:
            lower = str(value).strip().lower().replace("-", "_").replace(" ", "_")
            fix = f"，是不是「{lower}」？" if re.match(INDICATOR_ID, lower) else ""
            return f"代號「{value}」只能用小寫英文字母、數字與底線，並以字母開頭（如 sop_rate）{fix}", False
        return f"「{value}」的格式不正確", False
    if kind == "invalid_key":
        return f"欄位名稱應為文字，實際是{_describe(value)}「{value}」", False
    if kind == "value_error":
        return str(ctx.get("error", error["msg"])), False
    return f"此值不正確（{error['msg']}）", False


def _scalar(value: Any) -> str:
    """A number or date as YAML writes it, after its kind (「整數 3」); nothing for the rest."""
    if isinstance(value, int | float | date) and not isinstance(value, bool):
        return f" {format_key(value)}"
    return ""


def _keys_as_written(data: Any, loc: Loc) -> Loc:
    """``loc`` with the keys the data holds: pydantic gives a key that is no text or whole number
    (a date, null, true, .inf) as its Python repr, which neither names it as typed nor finds its line."""
    out: list[Any] = []
    for part in loc:
        if isinstance(data, dict):
            same = [k for k in data if k == part or (not isinstance(k, str) and part in (repr(k), str(k)))]
            part = next((k for k in same if type(k) is type(part)), same[0] if same else part)
        out.append(part)
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            data = None
    return tuple(out)


def _is_misspelt(error: dict[str, Any], errors: list[Any]) -> bool:
    """A missing field that sits beside an unknown one spelt like it: the unknown one explains both."""
    if error["type"] != "missing":
        return False
    parent, wanted = tuple(error["loc"][:-1]), str(error["loc"][-1])
    unknown = [str(e["loc"][-1]) for e in errors if e["type"] == "extra_forbidden" and tuple(e["loc"][:-1]) == parent]
    return closest(wanted, unknown) is not None


def validate(doc: YamlDoc, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    """Validate ``doc.data`` as ``model``; every problem is reported."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        found = []
        for error in errors:
            if _is_misspelt(error, errors):
                continue
            message, at_key = _message(error, model)  # type: ignore[arg-type]
            loc = tuple(error["loc"])
            if loc and loc[-1] == "[key]":  # a dict key of the wrong type (history: {yes: 3})
                loc, at_key = loc[:-1], True
            loc = _keys_as_written(doc.data, loc)
            found.append(doc.diagnostic(loc, message, key=at_key))
        return None, found
