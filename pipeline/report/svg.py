"""Small inline SVG plots for the sheet: talk timeline, talk-share bar, trend sparkline.

Inline SVG keeps the sheet one self-contained file that opens from ``file://`` without any
network access, and prints sharply to PDF. Every text that goes into the markup is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from pipeline.fragments import clock
from pipeline.types import ROLES, Conversation, Event, Fragment

# Each role colour carries white text (share bar) and stands on white: at least 4.5:1 both ways.
ROLE_COLOURS = {"klantmanager": "#1f7a8c", "client": "#a85a12", "other": "#6c5ca3"}
INK = "#2b3a42"
MUTED = "#5f6f76"
SUMMARY_COLOUR = "#7a4fa3"
FRAGMENT_FILL = "#e9e2d3"  # one neutral band for every fragment: no colour says good or bad
FRAGMENT_EDGE = "#8a7a5c"
TICK_STEPS_S = (15, 30, 60, 120, 300, 600, 900, 1800)


def _tick_step(duration: float, max_ticks: int = 10) -> int:
    return next((step for step in TICK_STEPS_S if duration / step <= max_ticks), TICK_STEPS_S[-1])


def timeline(
    conversation: Conversation,
    events: list[Event],
    fragments: list[Fragment],
    labels: dict[str, str],
    width: int,
    title: str,
    described_by: str = "",
) -> Markup:
    """Who spoke when (one row per role), question and summary markers, fragments as numbered bands.

    The picture is one image for screen readers (``described_by`` names the list of moments
    that is its text alternative); its bands can be clicked, and the list's buttons are the
    keyboard way to the same moments.
    """
    duration = max(conversation.duration_s, 1e-6)
    roles = [role for role in ROLES if any(t.role == role for t in conversation.turns)]
    left, right, top, row_h, gap = 84, 10, 30, 24, 12
    plot_w = width - left - right
    height = top + len(roles) * (row_h + gap) + 26

    def x(seconds: float) -> float:
        return left + plot_w * min(max(seconds, 0.0), duration) / duration

    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"'
        + (f' aria-describedby="{escape(described_by)}"' if described_by else "")
        + ' xmlns="http://www.w3.org/2000/svg">'
    ]
    bottom = top + len(roles) * (row_h + gap) - gap
    for number, fragment in enumerate(fragments, start=1):
        x0, x1 = x(fragment.start), x(fragment.end)
        parts.append(
            f'<g class="tl-fragment" data-start="{fragment.start:.2f}" data-end="{fragment.end:.2f}">'
            f'<rect x="{x0:.1f}" y="{top - 16}" width="{max(x1 - x0, 2):.1f}" height="{bottom - top + 20}" '
            f'rx="3" fill="{FRAGMENT_FILL}" stroke="{FRAGMENT_EDGE}" stroke-width="1"/>'
            f'<text x="{(x0 + x1) / 2:.1f}" y="{top - 5}" text-anchor="middle" font-size="11" '
            f'font-weight="700" fill="{INK}">{number}</text></g>'
        )
    for index, role in enumerate(roles):
        y = top + index * (row_h + gap)
        colour = ROLE_COLOURS[role]
        parts.append(
            f'<text x="{left - 10}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{escape(labels[role])}</text>'
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y + row_h / 2:.1f}" y2="{y + row_h / 2:.1f}" '
            f'stroke="#e3e7e8" stroke-width="1"/>'
        )
        for turn in conversation.turns:
            if turn.role == role:
                parts.append(
                    f'<rect x="{x(turn.start):.1f}" y="{y + 3}" '
                    f'width="{max(x(turn.end) - x(turn.start), 1):.1f}" height="{row_h - 6}" '
                    f'rx="2" fill="{colour}"/>'
                )
        if role == "klantmanager":
            parts += _markers(events, x, y)
    axis_y = bottom + 8
    step = _tick_step(duration)
    tick = 0
    while tick <= duration + 0.01:
        parts.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{axis_y}" y2="{axis_y + 4}" stroke="{MUTED}"/>'
            f'<text x="{x(tick):.1f}" y="{axis_y + 15}" text-anchor="middle" font-size="10" '
            f'fill="{MUTED}">{clock(tick)}</text>'
        )
        tick += step
    parts.append("</svg>")
    return Markup("".join(parts))


def _markers(events: list[Event], x: object, y: float) -> list[str]:
    """Question dots (filled: open, hollow: closed) and summary diamonds above the klantmanager row."""
    out = []
    for event in events:
        if event.speaker_role not in ("klantmanager", None):
            continue
        cx = x(event.start)  # type: ignore[operator]
        if event.type == "question" and event.speaker_role == "klantmanager":
            colour = ROLE_COLOURS["klantmanager"]
            fill = colour if event.form == "open" else "#ffffff"
            out.append(
                f'<circle cx="{cx:.1f}" cy="{y - 3:.1f}" r="3.2" fill="{fill}" '
                f'stroke="{colour}" stroke-width="1.4"/>'
            )
        elif event.type == "summary":
            cy = y - 3
            out.append(
                f'<path d="M{cx:.1f},{cy - 4.5:.1f} L{cx + 4.5:.1f},{cy:.1f} L{cx:.1f},{cy + 4.5:.1f} '
                f'L{cx - 4.5:.1f},{cy:.1f} Z" fill="{SUMMARY_COLOUR}"/>'
            )
    return out


def legend_marker(kind: str) -> Markup:
    """A tiny SVG swatch for the timeline legend."""
    teal = ROLE_COLOURS["klantmanager"]
    shapes = {
        "open": f'<circle cx="7" cy="7" r="4" fill="{teal}"/>',
        "closed": f'<circle cx="7" cy="7" r="4" fill="#fff" stroke="{teal}" stroke-width="1.5"/>',
        "summary": f'<path d="M7,2 L12,7 L7,12 L2,7 Z" fill="{SUMMARY_COLOUR}"/>',
        "fragment": f'<rect x="1" y="2" width="12" height="10" rx="2" fill="{FRAGMENT_FILL}" '
        f'stroke="{FRAGMENT_EDGE}"/>',
    }
    return Markup(f'<svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">{shapes[kind]}</svg>')


def talk_share_bar(shares: dict[str, float], labels: dict[str, str], title: str) -> Markup:
    """One horizontal bar split by role, with the percentages written inside."""
    width, height = 600, 30
    parts = [
        f'<svg class="share-bar" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    cursor = 0.0
    for role, share in shares.items():
        w = width * share
        if w <= 0:
            continue
        parts.append(
            f'<rect x="{cursor:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{ROLE_COLOURS[role]}"/>'
        )
        if w > 70:
            parts.append(
                f'<text x="{cursor + 10:.1f}" y="{height / 2 + 5}" font-size="14" font-weight="600" '
                'fill="#fff">'
                f"{escape(labels[role])} {round(share * 100)}%</text>"
            )
        cursor += w
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: list[float | None], title: str) -> Markup:
    """A small trend line; the last point (this recording) is drawn larger."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    width, height, pad = 110, 28, 4
    if len(points) < 2:
        return Markup("")
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = (high - low) or 1.0
    last_index = len(values) - 1

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * i / max(last_index, 1)
        y = height - pad - (height - 2 * pad) * ((v - low) / span if high > low else 0.5)
        return x, y

    coords = [xy(i, v) for i, v in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    lx, ly = coords[-1]
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="{MUTED}"/>' for x, y in coords[:-1])
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f'<polyline points="{path}" fill="none" stroke="{ROLE_COLOURS["klantmanager"]}" stroke-width="1.6"/>'
        f'{dots}<circle cx="{lx:.1f}" cy="{ly:.1f}" r="3.2" fill="{ROLE_COLOURS["klantmanager"]}"/></svg>'
    )
