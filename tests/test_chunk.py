"""Section chunking of real letters: offsets, coverage, sizes, heading paths, answer spans."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex

from dafu.corpus.chunk import chunk_sections, reply_span
from dafu.corpus.normalize import normalize_for_match
from dafu.corpus.parse import parse_letter
from conftest import EVAL, data_path

ROOT = Path(__file__).resolve().parent.parent
SHARED = EVAL
LETTERS = sorted((ROOT / "corpus" / "letters").glob("*.txt")) + sorted((SHARED / "dev_letters").glob("dev-*.txt"))
BREAKS = regex.compile(r"[。！？!?；;，,、\n]")


@pytest.fixture(scope="module")
def letters():
    return {p.stem: parse_letter(p.read_text(encoding="utf-8"), p.stem, str(p)) for p in LETTERS}


def seed(letters, prefix):
    return next(letter for key, letter in letters.items() if key.startswith(prefix))


@pytest.mark.parametrize("max_chars,overlap", [(300, 1), (150, 1), (400, 0)])
def test_offsets_coverage_and_sizes(letters, max_chars, overlap):
    for letter in letters.values():
        chunks = chunk_sections(letter, max_chars=max_chars, overlap=overlap)
        assert [c.ordinal for c in chunks] == list(range(len(chunks)))
        covered = set()
        for c in chunks:
            assert c.letter_id == letter.id and letter.body[c.start:c.end] == c.text
            assert c.text == c.text.strip() and c.text
            covered.update(range(c.start, c.end))
            if len(c.text) > max_chars:  # only a clause with no break inside may be longer
                assert not BREAKS.search(c.text[:-1]), c.text
        assert all(i in covered for i, ch in enumerate(letter.body) if not ch.isspace())
        starts = [c.start for c in chunks]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
        if overlap == 0:
            assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:]))
        if len(chunks) > 1:
            assert min(len(c.text) for c in chunks) >= max_chars // 10


def test_chunks_start_and_end_at_sentence_boundaries(letters):
    for letter in letters.values():
        for c in chunk_sections(letter):
            before = letter.body[c.start - 1:c.start]
            assert c.start == 0 or before in "\n。！？!?；;，,、”’）)", (letter.id, c.text[:20])


def test_heading_paths_of_seed_001(letters):
    chunks = chunk_sections(seed(letters, "001"))
    sections = [c.section for c in chunks]
    assert sections[0] == ""
    assert "一、办理工作背景" in sections
    assert "二、措施与成效 > (一)针对加强政府的政策支持的建议" in sections
    assert "二、措施与成效 > （三）针对发展居家社区服务与“互联网+医养结合”的建议" in sections
    assert "三、今后推进计划 > （二）加强养老服务队伍建设" in sections
    assert sections[-1] == "" and "厦门市湖里区民政局" in chunks[-1].text
    target = next(c for c in chunks if "区卫健局将老年人慢性病管理" in c.text)
    assert target.section.startswith("二、措施与成效 > （三）")


def test_heading_paths_of_seeds_002_and_003(letters):
    s002 = [c.section for c in chunk_sections(seed(letters, "002"))]
    assert "一、规范老年人健康管理服务" in s002 and "五、下一步工作计划" in s002
    s003 = [c.section for c in chunk_sections(seed(letters, "003"))]
    assert "一、主要工作情况 > （一）着力发展居家和社区智慧养老工程" in s003
    assert "二、下一步工作计划 > （四）完善推进掌上业务" in s003
    s000 = [c.section for c in chunk_sections(seed(letters, "000"))]
    assert any(s.startswith("二、关于政府加大对养老服务的投入") and s.endswith("…") and len(s) == 30 for s in s000)


def test_every_answer_span_lies_inside_one_chunk(letters):
    for line in (SHARED / "dev_real.jsonl").read_text(encoding="utf-8").splitlines():
        for letter_id, span in json.loads(line)["gold"]:
            texts = [normalize_for_match(c.text) for c in chunk_sections(letters[letter_id])]
            assert any(normalize_for_match(span) in t for t in texts), (letter_id, span)


@pytest.mark.parametrize("questions", ["topics/fit.jsonl", "topics/held.jsonl", "blind/blind.jsonl", "blind2/blind2.jsonl"])
def test_every_gold_span_of_the_topic_sets_lies_inside_one_chunk(questions):
    data = ROOT / "tests" / "data"
    files = {p.stem: p for folder in ("topics/letters", "blind/letters", "blind2/letters") for p in (data / folder).glob("*.txt")}
    for line in (data / questions).read_text(encoding="utf-8").splitlines():
        for letter_id, span in json.loads(line)["gold"]:
            path = files[letter_id]
            letter = parse_letter(path.read_text(encoding="utf-8"), letter_id, str(path))
            texts = [normalize_for_match(c.text) for c in chunk_sections(letter)]
            assert any(normalize_for_match(span) in t for t in texts), (letter_id, span)


def test_a_list_of_items_is_not_cut_when_its_sentence_can_open_the_next_passage():
    letter = topic_letter("t-jz-01")  # …增加一定比例的低保金…：（一）重病人员；（二）残疾人；…（六）单亲家庭中未成年人等。
    listed = letter.body.index("目前")  # the sentence that opens the list
    items_end = letter.body.index("未成年人等。") + len("未成年人等。")
    chunks = chunk_sections(letter)
    assert any(c.start <= listed and items_end <= c.end for c in chunks)
    assert not any(listed < c.end < items_end for c in chunks)  # no passage ends inside the list


def test_seed_chunk_counts(letters):
    counts = {key[:3]: len(chunk_sections(letter)) for key, letter in letters.items() if not key.startswith("dev")}
    assert all(8 <= n <= 20 for n in counts.values()), counts


TOPICS_LETTERS = ROOT / "tests" / "data" / "topics" / "letters"


def topic_letter(name):
    path = TOPICS_LETTERS / f"{name}.txt"
    return parse_letter(path.read_text(encoding="utf-8"), name, str(path))


def test_reply_span_leaves_out_header_opening_and_closing_block():
    letter = topic_letter("t-wy-01")  # headed reply, then contacts and the handling officer
    start, end = reply_span(letter.body)
    assert letter.body[:start].rstrip().endswith(("如下:", "如下：")) and "收悉" in letter.body[:start]
    assert "联系电话" in letter.body[end:] and "办理人" in letter.body[end:]
    assert "联系电话" not in letter.body[start:end] and len(letter.body[start:end]) > 150


def _blind_letter(folder: str, name: str):
    path = data_path(folder, "letters", f"{name}.txt")
    return parse_letter(path.read_text(encoding="utf-8"), name, str(path))


def test_reply_span_leaves_out_a_pages_labels_and_a_bare_signature():
    """A page's label lines (字号:[ ]来源:…, 编辑:…审核:…) are header though the opening comes late; a closing of
    only the replying body and its date (2021年9月12日) is closing though no formula (此复, 联系人) opens it."""
    letter = _blind_letter("blind5", "b5-lt-03")
    start, end = reply_span(letter.body)
    assert "来源:昆明市西山区人民政府" in letter.body[:start] and "收悉" in letter.body[:start]
    assert letter.body[start:end].lstrip().startswith("根据《云南省人民政府关于加强困境儿童保障工作的实施意见》")
    letter = _blind_letter("blind8", "b8-nr-03")
    start, end = reply_span(letter.body)
    assert letter.body[end:].strip() == "2021年9月12日" and "三级路长责任体系" in letter.body[start:end]
    letter = topic_letter("t-wy-01")  # a formula still opens the closing block before the signature
    assert "联系电话" in letter.body[reply_span(letter.body)[1]:]


def test_reply_span_after_a_pages_form_of_short_lines():
    """A page's form (案由, 提案者, 承办单位及答复, 答复日期…) takes more than eight short lines before the opening."""
    letter = _blind_letter("blind33", "b33-hw-03")
    start, end = reply_span(letter.body)
    assert "现答复如下" in letter.body[:start] and "案由" in letter.body[:start]
    assert letter.body[start:end].lstrip().startswith("儋州市是我省西部中心城市")


def test_reply_span_of_a_proposal_form_is_its_labelled_reply():
    """A form that copies the proposal (提案标题, 提案内容, 承办单位…) labels the reply (办理复文:…) and closes with
    short rows (办结时间, 办理结果:A类); a page's summary of the opening (内容概述:…现答复如下:…) is no opening."""
    letter = _blind_letter("blind65", "b65-xk-02")
    start, end = reply_span(letter.body)
    assert letter.body[:start].rstrip().endswith("办理复文:") and "提案内容" in letter.body[:start]
    assert letter.body[start:end].startswith("对于所提意见建议") and "7月28日" in letter.body[start:end]
    assert letter.body[end:].split() == ["办结时间:2023年9月4日", "办理结果:A类", "提案者对办理情况:满意"]
    letter = parse_letter((SHARED / "dev_letters" / "dev-034.txt").read_text(encoding="utf-8"), "dev-034", "dev-034")
    start, end = reply_span(letter.body)
    assert "内容概述" in letter.body[:start] and "刘海荣代表" in letter.body[:start]
    assert letter.body[start:end].lstrip().startswith("一、优化筹资标准")


def test_reply_span_of_a_letter_without_headings_keeps_its_thanks_and_facts():
    letter = topic_letter("t-xw-05")  # "感谢…" opens the reply; the facts follow in the same paragraph
    start, end = reply_span(letter.body)
    assert "小学35所(教学点56所)" in letter.body[start:end]
    assert "城关籍以外的学生自动转至当地学校" in letter.body[start:end]
