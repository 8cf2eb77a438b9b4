"""Checking what a request asks for: the query, k, mode, filters and letter ids (shared by pages and API)."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from ..search.api import FILTERS, MODES

MAX_FILTER_CHARS = 100
MAX_ID_CHARS = 200
_YEAR = re.compile(r"\d{4}")


class InvalidRequest(ValueError):
    """A parameter the app cannot accept; the message is shown to the user (Chinese / English)."""


@dataclass
class SearchRequest:
    query: str
    top_k: int
    mode: str = "hybrid"
    filters: dict[str, str] = field(default_factory=dict)


def search_request(args, default_k: int, max_k: int, max_chars: int, require_query: bool = True) -> SearchRequest:
    """A validated search request from query-string ``args`` (``q``, ``k``, ``mode`` and the filters)."""
    query = _clean_query(args.get("q") or "")
    if require_query and not query:
        raise InvalidRequest("请输入要查询的问题或关键词 / empty query: give q")
    if len(query) > max_chars:
        raise InvalidRequest(f"查询太长，请不超过 {max_chars} 个字 / query longer than {max_chars} characters")
    if _has_control(query):
        raise InvalidRequest("查询含有不可见的控制字符 / query contains control characters")
    mode = args.get("mode") or "hybrid"
    if mode not in MODES:
        raise InvalidRequest(f"未知的检索方式 / unknown mode {mode!r}: use one of {', '.join(MODES)}")
    return SearchRequest(query, count_param(args.get("k"), default_k, max_k), mode, filters_from(args))


def filters_from(args, names=FILTERS, statuses=()) -> dict[str, str]:
    """The non-empty filters ``names`` of ``args``: short, printable, a year of four digits, a status one of
    ``statuses``; ``InvalidRequest`` otherwise."""
    filters = {}
    for name in names:
        value = (args.get(name) or "").strip()
        if not value:
            continue
        if len(value) > MAX_FILTER_CHARS or _has_control(value):
            raise InvalidRequest(f"筛选条件 {name} 无效 / invalid filter {name}")
        if name == "year" and not _YEAR.fullmatch(value):
            raise InvalidRequest("年份应为四位数字，如 2024 / year must be four digits")
        if name == "status" and value not in statuses:
            raise InvalidRequest(f"状态应为 {'、'.join(statuses)} 之一 / status must be one of {', '.join(statuses)}")
        filters[name] = value
    return filters


def count_param(raw: str | None, default: int, maximum: int) -> int:
    """An integer ``k`` query parameter in 1..maximum (``default`` when absent)."""
    if raw is None or raw == "":
        return default
    try:
        k = int(raw)
    except ValueError:
        raise InvalidRequest(f"k 必须是整数 / k must be an integer, not {raw[:20]!r}") from None
    if not 1 <= k <= maximum:
        raise InvalidRequest(f"k 应在 1 到 {maximum} 之间 / k must be between 1 and {maximum}")
    return k


def check_letter_id(letter_id: str) -> str:
    """``letter_id`` if it can be a letter id (no path separators, ``..`` or control characters)."""
    if (not letter_id or len(letter_id) > MAX_ID_CHARS or "/" in letter_id or "\\" in letter_id
            or ".." in letter_id or _has_control(letter_id) or letter_id != letter_id.strip()):
        raise InvalidRequest("来信编号无效 / invalid letter id")
    return letter_id


def optional_int(raw: str | None) -> int | None:
    """A non-negative integer parameter such as ``hl``, or None when absent or malformed."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 7 else None


def _clean_query(raw: str) -> str:
    """The query with line breaks and tabs as spaces and invisible format characters (zero-width) dropped."""
    text = "".join(" " if ch in "\t\r\n" else ch for ch in raw if unicodedata.category(ch) != "Cf")
    return text.strip()


def _has_control(text: str) -> bool:
    """Control or invisible format characters, or lone surrogates (``"\\ud800"`` in JSON: not text)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text)


def json_body(raw: bytes, max_depth: int):
    """The JSON value of a request body; ``InvalidRequest`` for anything that is not JSON, nests deeper than
    ``max_depth`` (checked before parsing, so a 1,000-deep body never reaches the parser) or is not UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidRequest("请求体不是 UTF-8 文本 / body is not UTF-8") from None
    depth = 0
    for token in _JSON_BRACKETS.findall(text):
        if token in "[{":
            depth += 1
            if depth > max_depth:
                raise InvalidRequest(f"JSON 嵌套过深（超过 {max_depth} 层）/ JSON nested deeper than {max_depth} levels")
        elif token in "]}":
            depth -= 1
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidRequest("请求体不是有效的 JSON / body is not valid JSON: send a JSON object "
                             "{\"title\", \"text\", \"k\"}") from None


_JSON_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


@dataclass
class DraftRequest:
    title: str
    text: str
    k: int


def draft_request(title, text, k, default_k: int, max_k: int, max_title: int, max_chars: int) -> DraftRequest:
    """A validated draft for the duplicate check: an optional one-line title and the body text (line breaks
    kept, invisible format characters dropped). ``title`` / ``text`` may be None; ``k`` an int or a string."""
    if title is not None and not isinstance(title, str):
        raise InvalidRequest("标题应为文字 / title must be a string")
    if text is not None and not isinstance(text, str):
        raise InvalidRequest("正文应为文字 / text must be a string")
    title = _clean_query(title or "")
    body = _clean_text(text or "")
    if not body:
        raise InvalidRequest("请粘贴提案正文 / empty draft: give text")
    if len(title) > max_title:
        raise InvalidRequest(f"标题太长，请不超过 {max_title} 个字 / title longer than {max_title} characters")
    if len(body) > max_chars:
        raise InvalidRequest(f"正文太长，请不超过 {max_chars} 个字 / text longer than {max_chars} characters")
    if _has_control(title) or _has_control(body.replace("\n", "").replace("\t", "")):
        raise InvalidRequest("内容含有不可见的控制字符或无效字符 / draft contains control characters or lone "
                             "surrogates")
    if isinstance(k, float) and k.is_integer():  # JSON 6.0 is the integer 6 (as JSON Schema reads it)
        k = int(k)
    if isinstance(k, bool) or not (k is None or isinstance(k, (int, str))):
        raise InvalidRequest("k 必须是整数 / k must be an integer")
    return DraftRequest(title, body, count_param(None if k is None else str(k), default_k, max_k))


def _clean_text(raw: str) -> str:
    """Multi-line text with unified line breaks and invisible format characters (zero-width) dropped."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


PROMISE_FILTERS = ("agency", "year", "status", "region")


def promise_filters(args, statuses) -> dict[str, str]:
    """The /promises and /api/promises filters: ``agency`` and ``region`` (words contained), ``year`` (four
    digits) and ``status`` (one of ``statuses``); ``InvalidRequest`` for anything else."""
    return filters_from(args, PROMISE_FILTERS, statuses)


def page_param(raw: str | None, name: str, default: int, maximum: int, minimum: int = 1) -> int:
    """An integer query parameter in minimum..maximum (``default`` when absent)."""
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise InvalidRequest(f"{name} 必须是整数 / {name} must be an integer")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise InvalidRequest(f"{name} 应在 {minimum} 到 {maximum} 之间 / {name} must be between {minimum} and {maximum}")
    return value
