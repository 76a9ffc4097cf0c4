""" "Sinds vorige keer": each intention's metric in the previous and this recording, plus a trend.

Worded as observations ("vaker dan vorige keer"), never as a verdict: whether more is
better depends on the moment, and that is for the klantmanager and her coach to judge.
Counts are compared per N minutes because conversations differ in length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from pipeline.intentions import History, MetricCatalog
from pipeline.intentions.values import MetricValue
from pipeline.report.counts import noun
from pipeline.report.svg import sparkline
from pipeline.settings import Settings

SAME_SHARE = 0.03  # share points within which two values count as "about the same"
SAME_RATE = 0.15  # relative difference within which two rates count as "about the same"


@dataclass
class SinceRow:
    """One intention as the sheet shows it."""

    text: str
    label: str
    previous: str
    previous_on: str
    now: str
    observation: str
    reflect: str
    trend: Markup


def _comparable(kind: str, value: MetricValue, duration_s: float, per_minutes: float) -> float | None:
    """A number that can be compared across recordings of different length."""
    if value is None:
        return None
    if kind == "count":
        return float(value) / max(duration_s / 60.0, 1e-6) * per_minutes
    return float(value)


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def _display(
    kind: str, value: MetricValue, duration_s: float, texts: dict[str, Any], per_minutes: float
) -> str:
    since = texts["since"]
    if value is None:
        return since["unknown"]
    if kind == "share":
        return f"{round(float(value) * 100)}%"
    if kind == "yes_no":
        return since["answer_yes"] if value else since["answer_no"]
    rate = _comparable(kind, value, duration_s, per_minutes) or 0.0
    count = since["count_value"].format(count=int(value))
    return f"{count} ({since['count_rate'].format(rate=_number(rate, 1), minutes=_number(per_minutes, 0))})"


def _direction(kind: str, before: float | None, now: float | None) -> str | None:
    if before is None or now is None:
        return None
    if kind == "share":
        same = abs(now - before) <= SAME_SHARE
    elif kind == "count":
        same = abs(now - before) <= SAME_RATE * max(abs(before), abs(now), 1e-6)
    else:
        same = bool(now) == bool(before)
    if same:
        return "same"
    return "up" if now > before else "down"


def format_date(value: date, texts: dict[str, Any]) -> str:
    """``20 november 2026``."""
    return f"{value.day} {texts['months'][value.month - 1]} {value.year}"


def since_rows(
    history: History,
    current: dict[str, MetricValue],
    duration_s: float,
    catalog: MetricCatalog,
    texts: dict[str, Any],
    settings: Settings,
) -> list[SinceRow]:
    """One row per current intention whose metric the catalog knows."""
    config = settings.report.intentions
    per = config.per_minutes
    since = texts["since"]
    rows = []
    previous = history.records[-1] if history.records else None
    for intention in history.intentions:
        metric = catalog.metrics.get(intention.metric)
        if metric is None:
            continue
        now_value = current.get(intention.metric)
        now_cmp = _comparable(metric.kind, now_value, duration_s, per)
        if previous is not None:
            before_value = previous.values.get(intention.metric)
            before_cmp = _comparable(metric.kind, before_value, previous.duration_s, per)
            previous_text = _display(metric.kind, before_value, previous.duration_s, texts, per)
            previous_on = since["previous_on"].format(date=format_date(previous.recorded_on, texts))
        else:
            before_cmp, previous_text, previous_on = None, since["no_previous"], ""
        direction = _direction(metric.kind, before_cmp, now_cmp)
        observation = ""
        if direction is not None:
            comparison = since["compare"][metric.kind][direction].format(minutes=_number(per, 0))
            observation = since["observation"].format(label=metric.label, comparison=comparison)
        earlier = [
            _comparable(metric.kind, r.values.get(intention.metric), r.duration_s, per)
            for r in history.records
        ]
        series = [*earlier[-(config.trend_points - 1) :], now_cmp]
        rows.append(
            SinceRow(
                text=intention.text,
                label=metric.label,
                previous=previous_text,
                previous_on=previous_on,
                now=_display(metric.kind, now_value, duration_s, texts, per),
                observation=observation,
                reflect=since["reflect"].format(text=intention.text),
                trend=sparkline(series, noun(since["trend_points"], len(series))),
            )
        )
    return rows
