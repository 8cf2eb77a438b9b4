"""Cleaning extracted letter text into continuous paragraphs, one per line.

Joins hard line wraps, drops page-break debris and markdown/table markup, and removes the spaces
that typesetting puts around CJK text. It never changes, adds or reorders a character: only
whitespace, markup (``#`` ``**`` ``>`` ``|`` bullets, table rules, page numbers) and a copied web page's
tools (【字体: 打印本页 浏览次数:) are touched.
"""
from __future__ import annotations

import collections
import unicodedata

import regex

from .metadata import DOC_NUMBER, ORG_LINE
from .normalize import to_simplified

CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\u2014\u2018-\u201d\u2026\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]")
TERMINAL = "。！？；：!?;:"
CLOSERS = "”’」』）)》〉】〕]\"'"
HEADING = regex.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[、.．](?!\d)"
    r"|[（(]\d{1,2}[）)]|[①-⑳]|第[一二三四五六七八九十]{1,3}[，、,部分章节])"
)
SPACES = regex.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
MARKUP_ONLY = regex.compile(r"^[\s|#*>\-=_:+·]*[|#*>\-=_][\s|#*>\-=_:+]*$")
PAGE_NUMBER = regex.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
MD_PREFIX = regex.compile(r"^(?:\s{0,3}(?:#{1,6}|>+|[-*+])\s+)+")
BOLD = regex.compile(r"(?:(?<=^)|(?<=[\s\p{P}]))\*\*(?=[^\s*])([^*\n]*?[^\s*])\*\*")
DATE_END = regex.compile(r"(?:\d{4}\s*[年月]\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}-\d{1,2}-\d{1,2}(?:\s+[\d:]+)?)$")
DATE_LINE = regex.compile(r"^(?:\d{4}\s*[年月]\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|\d{7,8}|[〇零○一二三四五六七八九]{4}年.{1,6}日)$")
META_LINE = regex.compile(r"^[\p{Han}\s]{1,10}[：:]")
SIGN_OFF = regex.compile(r"^(?:抄送|抄報|抄报|联系|聯系|聯繫|承办|承辦|附件|签发|簽發|领导署名)")
TITLE_START = regex.compile(r"^(?:关于|對|对|關於|關于)")
TITLE_END = regex.compile(r"(?:答复函|答复|答複|答覆|复函|複函|的函|回复|回復|回复意见|答复意见|的建议|的提案|的議案|的议案)$")
UNITS = "第号號年月日元万亿个家名人次期至约共计"
_TOOL_WORDS = (r"打印本页|打印此文|我要打印|打印|关闭窗口|关闭本页|关闭|返回顶部|收藏本页|收藏|分享到|分享|我要纠错|视力保护色|"
               r"放大字体|缩小字体|字体大小|选择阅读字号|文章字号|字体|字号|扫一扫\S*|浏览次数|访问量|阅读次数")
PAGE_TOOLS = regex.compile(  # a web page's tools (【字体：大 中 小】 打印本页 关闭窗口) ending a line, or making it up;
    # searched from the line's end (REVERSE), linear in its length where a forward search tries every start
    rf"(?:^|(?<=[\s【\[〖]))[\s【\[〖]*(?:(?:{_TOOL_WORDS})(?:[\s【】\[\]〖〗:：|/]|[大中小默认]|\d)*)+$", regex.REVERSE)
LATIN = regex.compile(r"[A-Za-z0-9]")


def clean_body(text: str) -> str:
    """The letter's text as clean paragraphs separated by ``\\n``, every character kept as written."""
    lines = [piece for raw in _split_lines(text) for piece in _clean_line(raw)]
    lines = [line for line in lines if line]
    width = _wrap_width(text)
    paragraphs: list[str] = []
    last = ""  # the previous physical line, which decides whether the next one continues it
    for line in lines:
        if paragraphs and _continues(last, line, width):
            sep = " " if LATIN.match(last[-1]) and LATIN.match(line[0]) and not line[0].isdigit() else ""
            paragraphs[-1] += sep + line
        else:
            paragraphs.append(line)
        last = line
    return "\n".join(paragraphs)


def without_page_tools(line: str) -> str:
    """``line`` without the page tools that end it ("" when it holds nothing else). A tail is only taken when it
    has a bracket or colon or two tools, so a sentence that ends in a word such as 关闭 keeps it."""
    m = PAGE_TOOLS.search(line)
    if not m:
        return line
    tail = m.group()
    if m.start() and not regex.search(r"[【】\[\]〖〗:：]", tail) and len(regex.findall(_TOOL_WORDS, tail)) < 2:
        return line
    return line[:m.start()].rstrip()


def _split_lines(text: str) -> list[str]:
    for sep in ("\r\n", "\r", "\x0c", "\u2028", "\u2029", "\x0b"):
        text = text.replace(sep, "\n")
    return text.split("\n")


def _clean_line(line: str) -> list[str]:
    """One physical line without markup and stray spaces; sentence breaks inside it become lines."""
    line = without_page_tools(line)
    if not line.strip() or MARKUP_ONLY.match(line) or PAGE_NUMBER.match(line):
        return []
    line = BOLD.sub(r"\1", MD_PREFIX.sub("", line))
    if "|" in line:
        cells = [_tidy_spaces(cell) for cell in line.split("|")]
        return " ".join(cell for cell in cells if cell).split("\n")
    return _tidy_spaces(line).split("\n")


def _tidy_spaces(text: str) -> str:
    """Drop spaces next to CJK text, keep one between latin words or numbers; a space after 。！？ ends a line."""
    text = text.strip()
    out, last = [], 0
    for m in SPACES.finditer(text):
        out.append(text[last:m.start()])
        last = m.end()
        if m.start() == 0 or m.end() == len(text):
            continue
        left, right = text[m.start() - 1], text[m.end()]
        if left in "。！？!?" or (left in CLOSERS and text[m.start() - 2:m.start() - 1] in ("。", "！", "？")):
            out.append("\n")
        elif not (CJK.match(left) or CJK.match(right)):
            out.append(" ")
        elif (left.isdigit() or right.isdigit()) and left not in UNITS and right not in UNITS \
                and _long_number(text, m.start(), m.end()):
            out.append(" ")
    out.append(text[last:])
    return "".join(out).strip()


def _long_number(text: str, start: int, end: int) -> bool:
    """Whether the number touching this space looks like a phone or code (kept apart from words)."""
    before = regex.search(r"[\d\-]+$", text[:start])
    after = regex.match(r"[\d\-]+", text[end:])
    token = (before.group() if before else "") or (after.group() if after else "")
    return "-" in token.strip("-") or len(token) >= 7


def _wrap_width(text: str) -> int | None:
    """The display width of a hard-wrapped text's full lines, or None when lines are paragraphs."""
    widths = [w for w in map(_display_width, map(str.strip, _split_lines(text))) if w >= 20]
    if len(widths) < 5:
        return None
    mode, _ = collections.Counter(w // 4 for w in widths).most_common(1)[0]
    near = sum(1 for w in widths if abs(w // 4 - mode) <= 1)
    return mode * 4 if near >= max(8, 0.5 * len(widths)) and mode * 4 <= 160 else None


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "FW" else 1 for c in text)


def _ends_sentence(line: str) -> bool:
    return (line.rstrip(CLOSERS) or line)[-1] in TERMINAL


def _is_heading(line: str) -> bool:
    return bool(HEADING.match(line)) and len(line) <= 40 and "。" not in line


def _standalone(line: str) -> bool:
    """Lines that stand alone in the header or signature block: dates, `key：value`, agencies, sign-offs."""
    return bool(DATE_LINE.match(line) or ORG_LINE.match(to_simplified(line)) or SIGN_OFF.match(line)
                or DOC_NUMBER.match(line)
                or (META_LINE.match(line) and len(line) <= 30) or len(regex.findall("[：:]", line)) >= 3)


def _continues(prev: str, line: str, width: int | None) -> bool:
    """Whether ``line`` continues the paragraph ``prev`` across a hard wrap or page break."""
    if HEADING.match(line) or _is_heading(prev):
        return False
    if line[0] in "，。、；：,.;:！？!?）)》」』”’%％" or line.startswith(("收悉", "已收悉")):
        return True
    if _ends_sentence(prev):
        return False
    if prev[-1] in "，、,（(《「『“‘" or (prev.endswith(("的", "和", "与", "及")) and not SIGN_OFF.match(prev)):
        return True  # (签发人:高怀和 ends in a name, not in 和)
    if prev[-1].isdigit() and line[0] in "年月日号號%万亿元个家人名次张台辆所" and not DATE_END.search(prev):
        return True
    if prev[-1] == "》" and line[0] in "（(":
        return True
    if TITLE_START.match(prev) and len(prev) <= 40 and len(line) <= 30 and TITLE_END.search(line):
        return True
    if _standalone(line):
        return False
    if width and _display_width(prev) >= width - 8:
        return True
    if _standalone(prev) or DATE_END.search(prev) or TITLE_END.search(prev):
        return False
    return len(prev) >= 50
