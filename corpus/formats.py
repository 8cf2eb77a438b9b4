"""Plain text out of letter files: .txt/.md, .pdf, .docx and .html/.htm.

`extract_text(path)` returns the document's text with line breaks (one block
or table row per line; DOCX and HTML trees become lines in ``corpus/markup.py``);
cleaning and metadata parsing happen later, in the parser. Anything that cannot
give text raises `UnreadableDocument`.
"""
from __future__ import annotations

import codecs
import functools
import logging
import os
import re
import stat
import unicodedata
import zipfile
from pathlib import Path

from . import settings
from .markup import docx_lines, page_lines

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
MAX_UNPACK_FACTOR = 10   # a .docx may unpack to at most this many times the file size limit
MAX_ZIP_RATIO = 100      # ... and no part of it may be compressed more than this (zip bombs)
MAX_ZIP_ENTRIES = 10000
MAX_HTML_DEPTH = 400     # real pages nest a few dozen elements deep


class UnreadableDocument(Exception):
    """A file that gives no usable text; `reason` says why (Chinese / English)."""

    def __init__(self, reason: str, path: Path | str | None = None):
        self.reason = reason
        self.path = None if path is None else str(path)
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


def max_file_bytes() -> int:
    """The largest letter file read, in bytes: ``DAFU_MAX_FILE_MB`` megabytes (default 20, corpus/settings.py)."""
    return int(settings.max_file_mb() * 1024 * 1024)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.3g} MB"


def extract_text(path: Path) -> str:
    """Return the text of the letter at `path`; raise UnreadableDocument."""
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise UnreadableDocument(
            f"不支持的文件类型 / unsupported file type {suffix or '(none)'!r} "
            f"(支持 / supported: {', '.join(SUPPORTED_SUFFIXES)})", path)
    limit = max_file_bytes()
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableDocument("不是普通文件 / not a regular file", path)
        if info.st_size > limit:
            raise UnreadableDocument(_too_large(info.st_size, limit), path)
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UnreadableDocument(f"无法读取文件 / cannot read file: {exc.strerror or exc}", path) from exc
    if len(data) > limit:  # grew while being read
        raise UnreadableDocument(_too_large(len(data), limit), path)
    if not data.strip():
        raise UnreadableDocument("空文件 / empty file", path)
    try:
        text = reader(data)
    except UnreadableDocument as exc:
        raise UnreadableDocument(exc.reason, path) from exc
    except RecursionError as exc:
        raise UnreadableDocument("文档结构嵌套过深 / document nested too deeply", path) from exc
    except MemoryError as exc:
        raise UnreadableDocument("内存不足，无法解析此文件 / out of memory while parsing this file", path) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if not text.strip():
        raise UnreadableDocument("文档没有文字内容 / document contains no text", path)
    return text


def _too_large(size: int, limit: int) -> str:
    return (f"文件过大（{_mb(size)}，上限 {_mb(limit)}，可用环境变量 DAFU_MAX_FILE_MB 调整）"
            f" / file too large ({_mb(size)} > limit {_mb(limit)}; set DAFU_MAX_FILE_MB)")


# ---------------------------------------------------------------- encodings

_BOMS = (  # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Big5 twice: cp950 (Windows Big5, with the ETEN extras) then Big5-HKSCS.
_CHINESE_CANDIDATES = ("gb18030", "cp950", "big5hkscs")
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
            "euc-cn": "gb18030", "big5": "cp950", "x-big5": "cp950", "big5-hkscs": "big5hkscs"}
_PINYIN = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüÜ")


@functools.lru_cache(maxsize=1 << 16)
def _cost(ch: str) -> float:
    """How unlikely `ch` is in a Chinese letter (0 = ordinary)."""
    o = ord(ch)
    if o < 0x80:
        return 0.0 if ch.isprintable() or ch in "\t\n\r\f" else 3.0
    if 0x4E00 <= o <= 0x9FFF:  # common = GB2312 level 1 or Big5 frequent hanzi
        for enc, lo, hi in (("gb2312", 0xB0, 0xD7), ("cp950", 0xA4, 0xC6)):
            try:
                b = ch.encode(enc)
            except UnicodeEncodeError:
                continue
            if lo <= b[0] <= hi:
                return 0.0
        return 1.0
    if (0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or 0x2010 <= o <= 0x2027
            or ch in _PINYIN or o in (0xA0, 0xB7, 0xD7, 0xF7, 0xB0, 0x2030)):
        return 0.0
    if 0x2160 <= o <= 0x217F or 0x2460 <= o <= 0x24FF or 0x80 < o <= 0x24F:
        return 0.5
    if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
        return 3.0
    return 2.0


def _implausibility(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(map(_cost, chars)) / max(len(chars), 1)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = _ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode text bytes: BOM, strict UTF-8, a declared charset, then detection.

    Detection strictly decodes with GB18030 and Big5 (and UTF-16 without BOM)
    and keeps the reading with the most ordinary Chinese characters; other
    encodings go to charset-normalizer.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc)
            except UnicodeDecodeError as exc:
                raise UnreadableDocument(
                    f"按 {enc} 解码失败 / invalid {enc} bytes after BOM: {exc.reason}") from exc
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    enc = _codec(declared)
    if enc and enc != "utf-8":
        try:
            return _check_text(data.decode(enc))
        except (UnicodeDecodeError, UnreadableDocument):
            pass
    encs = list(_CHINESE_CANDIDATES) + (["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else [])
    best: tuple[float, int, str] | None = None
    for i, enc in enumerate(encs):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = (_implausibility(text[:50000]), i, text)
        best = score if best is None or score < best else best
    if best is None or best[0] > 0.3:
        import charset_normalizer
        match = charset_normalizer.from_bytes(data).best()
        if match is not None:
            text = str(match)
            if best is None or _implausibility(text) < best[0]:
                best = (_implausibility(text), -1, text)
    if best is None:
        raise UnreadableDocument("无法识别文本编码 / cannot detect the text encoding")
    return _check_text(best[2])


def _check_text(text: str) -> str:
    bad = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")
    if bad > max(2, len(text) // 100):
        raise UnreadableDocument("不是文本文件（含大量控制字符）/ not a text file (binary control bytes)")
    return text


def _read_text(data: bytes) -> str:
    return decode_bytes(data)


# ---------------------------------------------------------------- PDF

def _read_pdf(data: bytes) -> str:
    import io
    import pypdf
    from pypdf.errors import DependencyError, PyPdfError
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument("PDF 已加密 / the PDF is password-protected")
        pages = [(page.extract_text() or "").strip("\n") for page in reader.pages]
    except UnreadableDocument:
        raise
    except DependencyError as exc:
        raise UnreadableDocument(f"PDF 加密方式需要 cryptography 包 / encrypted PDF needs the cryptography package: {exc}") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, AssertionError, RecursionError, OSError, NotImplementedError) as exc:
        raise UnreadableDocument(f"PDF 文件损坏或无法解析 / corrupt or unreadable PDF: {exc}") from exc
    text = "\n".join(pages)
    chars = [c for c in text if not c.isspace()]
    if not chars:
        raise UnreadableDocument(
            "PDF 没有文字层（可能是扫描件，需要 OCR）/ PDF has no text layer (scanned image? needs OCR)")
    garbled = sum(1 for c in chars if c == "\ufffd" or unicodedata.category(c) in ("Co", "Cc"))
    if garbled > len(chars) * 0.3:
        raise UnreadableDocument("PDF 文字层无法解码（字体缺少编码映射）/ PDF text layer is garbled (fonts lack a Unicode map)")
    return text


# ---------------------------------------------------------------- DOCX

def _read_docx(data: bytes) -> str:
    import io
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = docx_lines(document)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableDocument(f"DOCX 文件损坏或无法解析 / corrupt or unreadable DOCX: {exc}") from exc
    except Exception as exc:  # lxml parse errors of damaged parts
        if type(exc).__module__.startswith(("lxml", "docx")):
            raise UnreadableDocument(f"DOCX 文件损坏 / corrupt DOCX: {exc}") from exc
        raise
    return "\n".join(lines)


def _check_zip(data: bytes) -> None:
    """Refuse a zip (a .docx) whose parts would unpack to too much or are compressed suspiciously well (a zip
    bomb), from the sizes its directory declares, before anything is inflated (zipfile stops at them)."""
    import io
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableDocument(f"DOCX 文件损坏或无法解析 / corrupt or unreadable DOCX: {exc}") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnreadableDocument(f"DOCX 含 {len(entries)} 个部件，过多 / DOCX has too many parts ({len(entries)})")
    total = sum(e.file_size for e in entries)
    limit = MAX_UNPACK_FACTOR * max_file_bytes()
    if total > limit:
        raise UnreadableDocument(f"DOCX 解压后过大（{_mb(total)}，上限 {_mb(limit)}），疑似压缩炸弹"
                                 f" / DOCX would unpack to {_mb(total)} (limit {_mb(limit)}): zip bomb?")
    for e in entries:
        if e.file_size > (1 << 20) and e.file_size > MAX_ZIP_RATIO * max(e.compress_size, 1):
            raise UnreadableDocument(
                f"DOCX 部件 {e.filename} 压缩比异常（{e.file_size // max(e.compress_size, 1)} 倍），疑似压缩炸弹"
                f" / DOCX part {e.filename} is compressed {e.file_size // max(e.compress_size, 1)}:1: zip bomb?")


# ---------------------------------------------------------------- HTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def _read_html(data: bytes) -> str:
    from bs4 import BeautifulSoup
    declared = _META_CHARSET.search(data[:8192])
    text = decode_bytes(data, declared.group(1).decode("ascii") if declared else None)
    soup = BeautifulSoup(text, "lxml")
    root = soup.body or soup
    depth = _depth(soup)
    if depth > MAX_HTML_DEPTH:
        raise UnreadableDocument(f"HTML 嵌套过深（超过 {MAX_HTML_DEPTH} 层）"
                                 f" / HTML nested more than {MAX_HTML_DEPTH} levels deep")
    return "\n".join(page_lines(root))


def _depth(root) -> int:
    """How deeply elements nest under ``root`` (without recursion)."""
    from bs4 import Tag
    deepest, stack = 0, [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_HTML_DEPTH:
            break
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))
    return deepest


_READERS = {".txt": _read_text, ".md": _read_text, ".pdf": _read_pdf,
            ".docx": _read_docx, ".html": _read_html, ".htm": _read_html}
