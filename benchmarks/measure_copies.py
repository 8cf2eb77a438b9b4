"""How alike the copies of one letter are, and how alike distinct letters get: the figures behind the copy
rule of the index build (``index/copies.py``).

Copies are made from real letters of the repository as they reach an archive: the letter in traditional
script (OpenCC s2t), re-encoded as GBK and UTF-16, printed to PDF (reportlab, page numbers and a running header
on every page, lines wrapped at the page width), saved as DOCX (python-docx), and published on a web page (site
navigation and footer around it; also the traditional-script mirror of that page). Every file is read by
dafu's own reader (``corpus/collect.read_letter``) and compared with the original letter's body. Distinct
letters: every pair among corpus/letters, tests/data/eval/dev_letters, tests/data/topics/letters and
tests/data/pairs/letters. Prints both sides' lowest/highest containment and Jaccard.

    python benchmarks/measure_copies.py [--letters 40]
"""
from __future__ import annotations

import argparse
import html
import itertools
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("corpus/letters", "tests/data/eval/dev_letters", "tests/data/topics/letters", "tests/data/pairs/letters")


def make_copies(source: Path, out: Path) -> list[Path]:
    """The copies of one letter file, written into ``out``."""
    import docx
    import opencc

    text = source.read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(text)
    stem = source.stem
    made = {f"{stem}-trad.txt": traditional.encode("utf-8"), f"{stem}-gbk.txt": text.encode("gb18030"),
            f"{stem}-utf16.txt": text.encode("utf-16"), f"{stem}.html": web_page(text),
            f"{stem}-trad.html": web_page(traditional)}
    for name, data in made.items():
        (out / name).write_bytes(data)
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(out / f"{stem}.docx")
    write_pdf(out / f"{stem}.pdf", text)
    return [out / name for name in made] + [out / f"{stem}.docx", out / f"{stem}.pdf"]


def web_page(text: str) -> bytes:
    """The letter as a government site publishes it: navigation, breadcrumbs, the text, a footer."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return ("<html><head><meta charset='utf-8'><title>建议提案办理结果公开</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> | <a>政务公开</a> | <a>建议提案办理</a></div>"
            "<div class='crumb'>当前位置：首页 &gt; 政务公开 &gt; 建议提案办理结果</div>"
            f"<div class='content'>{body}</div>"
            "<div class='footer'>主办单位：人民政府办公室 联系电话：0000-1234567 网站标识码 1234567890</div>"
            "</body></html>").encode("utf-8")


def write_pdf(path: Path, text: str, font: str = "STSong-Light") -> None:
    """Text wrapped at the page width (mid-sentence line breaks), a header line and a page number per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(font))
    page = canvas.Canvas(str(path), pagesize=A4)
    width, number = A4[0] - 100, 1

    def start() -> float:
        page.setFont(font, 9)
        page.drawString(50, 810, "建议提案办理复文")
        page.setFont(font, 12)
        return 780

    def finish() -> None:
        page.setFont(font, 9)
        page.drawString(A4[0] / 2, 30, f"- {number} -")
        page.showPage()

    y = start()
    for paragraph in text.splitlines():
        line = ""
        for ch in paragraph + "\0":
            if ch == "\0" or pdfmetrics.stringWidth(line + ch, font, 12) > width:
                if y < 60:
                    finish()
                    number += 1
                    y = start()
                page.drawString(50, y, line)
                y -= 18
                line = ""
            if ch != "\0":
                line += ch
    finish()
    page.save()


def main() -> None:
    sys.path.insert(0, str(ROOT.parent))
    from dafu.corpus.collect import LetterError, read_letter
    from dafu.corpus.copies import overlap, same_letter, shingle_hashes

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=40, help="letters to make copies of (spread over the folders)")
    args = parser.parse_args()
    files = sorted(f for folder in FOLDERS for f in (ROOT / folder).glob("*.txt"))
    letters = {f: read_letter(f, f.stem) for f in files}
    hashes = {f: shingle_hashes(letters[f].body) for f in files}
    pairs = list(itertools.combinations(files, 2))
    filed_twice = [(a, b) for a, b in pairs if letters[a].body == letters[b].body]  # one letter in two test folders
    distinct = sorted(((*overlap(hashes[a], hashes[b]), a.name, b.name) for a, b in pairs if (a, b) not in filed_twice),
                      reverse=True)
    merged = [(a.name, b.name) for a, b in pairs if (a, b) not in filed_twice
              and same_letter(letters[a].to_dict(), letters[b].to_dict(), hashes[a], hashes[b]) is not None]
    by_jaccard = max(distinct, key=lambda d: d[1])
    print(f"the same letter filed in two folders: {len(filed_twice)} pairs (identical bodies)")
    print(f"distinct letters: {len(files)} letters, {len(distinct)} pairs, {len(merged)} taken for one letter {merged}")
    print(f"  highest containment {distinct[0][0]:.3f} (Jaccard {distinct[0][1]:.3f}): {distinct[0][2]} ~ {distinct[0][3]}")
    print(f"  highest Jaccard     {by_jaccard[1]:.3f} (containment {by_jaccard[0]:.3f}): {by_jaccard[2]} ~ {by_jaccard[3]}")
    print("  next highest containments: " + ", ".join(f"{d[0]:.3f}" for d in distinct[1:6]))
    step = max(1, len(files) // args.letters)
    kinds: dict[str, list[tuple[float, float, str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for original in files[::step][:args.letters]:
            out = Path(tmp) / original.stem
            out.mkdir()
            for copy in make_copies(original, out):
                kind = copy.name[len(original.stem):]
                try:
                    body = read_letter(copy, copy.stem)
                except LetterError as err:
                    print(f"  {copy.name}: not read ({err})")
                    continue
                copy_hashes = shingle_hashes(body.body)
                same = same_letter(letters[original].to_dict(), body.to_dict(), hashes[original], copy_hashes)
                kinds.setdefault(kind, []).append((*overlap(hashes[original], copy_hashes), original.name, same))
    every = [k for found in kinds.values() for k in found]
    missed = [k[2] for k in every if k[3] is None]
    print(f"copies: {len(every)} files of {min(args.letters, len(files[::step]))} letters, "
          f"{len(every) - len(missed)} recognised as their letter, missed: {missed}")
    for kind, found in sorted(kinds.items()):
        low_c, low_j = min(found), min(found, key=lambda k: k[1])
        print(f"  {kind:11s} lowest containment {low_c[0]:.3f} ({low_c[2]}), lowest Jaccard {low_j[1]:.3f} ({low_j[2]})")
    print(f"  all copies: lowest containment {min(every)[0]:.3f}, lowest Jaccard {min(k[1] for k in every):.3f}")


if __name__ == "__main__":
    main()
