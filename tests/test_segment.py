"""index/segment.py gives jieba's own search-mode words (jieba-rs underneath)."""
import random
from pathlib import Path

import jieba
import pytest

from dafu.corpus.normalize import normalize_for_index
from dafu.index.segment import cut_for_search

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text", [
    "电话0591-83615693，2022-2025年", "PM2.5浓度下降3.5%，面积1.5m以上", "COVID-19疫情", "我学习C++和C#以及AT&T公司",
    "T恤B超卡拉OK", "㐀㐁是扩展A区鿖鿗字豈𠀀", "访问www.gov.cn或user@example.com", "第一行\n第二行\r\n第三行\t制表",
    "日本語のテキスト한국어", "10.5.3版本V2.0版", "", "  "])
def test_same_words_as_jieba(text):
    assert cut_for_search(text) == list(jieba.cut_for_search(text))


def test_same_words_as_jieba_on_letters_and_mixtures():
    texts = [normalize_for_index(p.read_text(encoding="utf-8", errors="ignore"))
             for p in sorted((ROOT / "tests" / "data" / "eval" / "dev_letters").glob("*.txt"))[:10]]
    rng = random.Random(0)
    chars = list("".join(texts)[:3000]) + list("abZ09+#&._%-@ \n㐀鿖") + ["C++", "0591-8361", "1.5m"]
    texts += ["".join(rng.choice(chars) for _ in range(rng.randint(1, 40))) for _ in range(300)]
    for text in texts:
        assert cut_for_search(text) == list(jieba.cut_for_search(text))
