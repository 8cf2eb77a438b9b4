"""Optional generated answers from an OpenAI-compatible chat endpoint (``DAFU_LLM_URL``, ``DAFU_LLM_MODEL``).

A reply is used only when it cites at least one of the given passages as ``[n]``, cites no other, and every
number it states occurs in a passage it cites; otherwise the extractive answer stands and the reason is told."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

from ..corpus import settings
from ..corpus.normalize import normalize_for_match
from ..corpus.text import sentences

DEFAULT_TIMEOUT = settings.DEFAULT_LLM_TIMEOUT
SYSTEM_PROMPT = ("你是政府答复函问答助手。只依据用户给出的编号段落回答问题，用一到三句简洁的中文作答，"
                 "每句末尾用[编号]注明所依据的段落，例如[1]或[2][3]。数字必须与段落原文一致，不得推算或编造。"
                 "段落中没有答案时，只回答“无法回答”。")
_CITE = re.compile(r"[\[［【]\s*(\d{1,3})\s*[\]］】]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def endpoint() -> str | None:
    """The chat-completions URL from ``DAFU_LLM_URL`` (a base URL or the full one), or None when unset."""
    url = settings.llm_url()
    if not url:
        return None
    return url if url.rstrip("/").endswith("/chat/completions") else url.rstrip("/") + "/chat/completions"


def generate_answer(question: str, passages: list[dict]) -> tuple[list[dict] | None, dict]:
    """Answer items from the model, or None and why not, as ``(items, {"used": bool, "reason": str})``."""
    url = endpoint()
    if url is None:
        return None, {"used": False, "reason": "off: DAFU_LLM_URL not set"}
    if not passages:
        return None, {"used": False, "reason": "no passages"}
    try:
        reply = ask_model(url, question, passages)
    except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError, TypeError) as err:
        return None, {"used": False, "reason": f"request failed: {err}"}
    items, reason = check_reply(reply, passages)
    return items, {"used": items is not None, "reason": reason}


def ask_model(url: str, question: str, passages: list[dict]) -> str:
    """The model's reply text for the question and the numbered passages."""
    numbered = "\n\n".join(f"[{n}] {_source(p)}\n{p['text']}" for n, p in enumerate(passages, 1))
    body = {"model": settings.llm_model(), "temperature": 0,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                         {"role": "user", "content": f"问题：{question}\n\n段落：\n{numbered}"}]}
    headers = {"Content-Type": "application/json"}
    if settings.llm_key():
        headers["Authorization"] = f"Bearer {settings.llm_key()}"
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                     headers=headers, method="POST")
    timeout = settings.llm_timeout()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = json.loads(response.read().decode("utf-8"))
    return str(data["choices"][0]["message"]["content"])


def check_reply(reply: str, passages: list[dict]) -> tuple[list[dict] | None, str]:
    """Answer items when the reply is cited and its numbers are in the cited passages; else None and why."""
    reply = reply.strip()
    cited = [int(n) for n in _CITE.findall(reply)]
    if not reply or "无法回答" in reply:
        return None, "model declined to answer"
    if not cited:
        return None, "rejected: the reply cites no passage"
    wrong = sorted({n for n in cited if not 1 <= n <= len(passages)})
    if wrong:
        return None, f"rejected: the reply cites passages that were not given: {wrong}"
    sources = normalize_for_match(" ".join(passages[n - 1]["text"] for n in set(cited))).replace(",", "")
    plain = _CITE.sub(" ", reply)
    for number in _NUMBER.findall(normalize_for_match(plain)):
        value = number.replace(",", "")
        if not re.search(rf"(?<![\d.]){re.escape(value)}(?![\d]|\.\d)", sources):
            return None, f"rejected: the figure {number} is not in the cited passages"
    return _items(reply, passages), "accepted: cited, every figure found in the cited passages"


def _items(reply: str, passages: list[dict]) -> list[dict]:
    """One item per sentence of the reply; a sentence without a marker takes the next marked one's citations."""
    items, pending = [], []
    for start, end in sentences(reply):
        sentence = reply[start:end]
        numbers = list(dict.fromkeys(int(n) for n in _CITE.findall(sentence)))
        text = _CITE.sub("", sentence).strip()
        if not text.strip("。！？!? "):
            if numbers and items:
                items[-1]["citations"] = list(dict.fromkeys(items[-1]["citations"] + numbers))
            continue
        item = {"text": text, "citations": numbers, "generated": True}
        items.append(item)
        if numbers:
            for waiting in pending:
                waiting["citations"] = numbers
            pending = []
        else:
            pending.append(item)
    last = next((i["citations"] for i in reversed(items) if i["citations"]), [])
    for item in items:
        item["citations"] = item["citations"] or last
        item["letter_id"] = passages[item["citations"][0] - 1]["letter_id"] if item["citations"] else None
        item["figure"] = None
    return items


def _source(passage: dict) -> str:
    c = passage.get("citation") or {}
    return "，".join(str(x) for x in (c.get("title"), c.get("agency"), c.get("date"), passage.get("section")) if x)
