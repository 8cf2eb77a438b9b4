"""Chart geometry for the overview page and the search timeline, drawn as SVG by templates/_charts.html.

No JavaScript and nothing from the network: the server lays the charts out and the browser draws plain SVG.
Everything is in percent of the chart's box and text takes the page's own font size (no viewBox scaling), so a
chart fills a phone's width and grows with large type. Bar charts are horizontal (one row per value, its name
in words, the bar, the number), the year chart is a line with a labelled point per year; on a narrow screen
every other year label is hidden when there are many years (CSS ``.minor``), never the points or the links.
"""
from __future__ import annotations

import math

NARROW_LABELS = 6     # year labels that fit a phone's width
WIDE_LABELS = 16      # ... and a desktop's


def bar_chart(items: list[dict], href_of, label_of=str, unit: str = "封") -> dict:
    """Horizontal bars: ``items`` ``[{"value", "count"}]`` -> ``{"bars": [{"label", "count", "pct", "href",
    "title"}], "max"}``; ``href_of(value)`` is each bar's link (None: no link)."""
    top = max((item["count"] for item in items), default=0)
    bars = []
    for item in items:
        label = label_of(item["value"])
        pct = 100.0 * item["count"] / top if top else 0.0
        bars.append({"label": label, "value": item["value"], "count": item["count"],
                     "pct": round(max(pct, 0.8) if item["count"] else 0.0, 2), "href": href_of(item["value"]),
                     "title": f"{label}：{item['count']} {unit}"})
    return {"bars": bars, "max": top, "unit": unit}


def line_chart(items: list[dict], href_of, unit: str = "封", left: float = 3.0, right: float = 3.0,
               top: float = 16.0, bottom: float = 78.0) -> dict:
    """One point per item (years, in order) joined by a line; each point labelled with its count and linked.
    Coordinates are percentages of the chart box: x across ``left..100-right``, y from ``bottom`` (0) up to
    ``top`` (the largest count)."""
    n = len(items)
    most = max((item["count"] for item in items), default=0) or 1
    step = (100.0 - left - right) / max(n, 1)
    narrow, wide = _label_step(n, NARROW_LABELS), _label_step(n, WIDE_LABELS)
    points = []
    for i, item in enumerate(items):
        x = left + step * (i + 0.5)
        y = bottom - (bottom - top) * item["count"] / most
        from_end = n - 1 - i  # the latest year is always labelled
        points.append({"x": round(x, 3), "y": round(y, 3), "label": item["value"], "count": item["count"],
                       "href": href_of(item["value"]) if item["count"] else None,
                       "title": f"{item['value']} 年：{item['count']} {unit}",
                       "shown": from_end % wide == 0, "minor": from_end % narrow != 0,
                       "band_x": round(left + step * i, 3), "band_w": round(step, 3)})
    segments = [(a["x"], a["y"], b["x"], b["y"]) for a, b in zip(points, points[1:])]
    return {"points": points, "segments": segments, "baseline": bottom, "max": most if items else 0, "unit": unit,
            "label_y": 93.0}


def column_chart(items: list[dict], href_of, unit: str = "封", left: float = 2.0, right: float = 2.0,
                 top: float = 22.0, bottom: float = 72.0) -> dict:
    """Small vertical bars (the search timeline): one column per year, its count above, its year below."""
    n = len(items)
    most = max((item["count"] for item in items), default=0) or 1
    step = (100.0 - left - right) / max(n, 1)
    width = step * 0.6
    narrow, wide = _label_step(n, NARROW_LABELS + 2), _label_step(n, WIDE_LABELS + 4)
    columns = []
    for i, item in enumerate(items):
        height = (bottom - top) * item["count"] / most
        from_end = n - 1 - i
        columns.append({"x": round(left + step * i + (step - width) / 2, 3), "w": round(width, 3),
                        "cx": round(left + step * (i + 0.5), 3), "y": round(bottom - height, 3),
                        "h": round(height, 3), "label": item["value"], "count": item["count"],
                        "href": href_of(item["value"]) if item["count"] else None,
                        "title": f"{item['value']} 年：{item['count']} {unit}",
                        "shown": from_end % wide == 0 or item["count"] > 0 and n <= WIDE_LABELS,
                        "minor": from_end % narrow != 0,
                        "band_x": round(left + step * i, 3), "band_w": round(step, 3)})
    return {"columns": columns, "baseline": bottom, "unit": unit, "label_y": 92.0}


def _label_step(n: int, fits: int) -> int:
    return max(1, math.ceil(n / fits))
