"""``kijkwijzer intentions set|list``: the klantmanager's aandachtspunten after a reflection talk.

Each intention is followed with one metric, so the next sheet can show "Sinds vorige keer".
The metric is recognised from the text ("Meer open vragen stellen") or named explicitly
("summaries=Vaker samenvatten").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from kijkwijzer.cli.app import app, state

intentions_app = typer.Typer(
    help="Intentions (aandachtspunten) per klantmanager, followed on the next sheets.", no_args_is_help=True
)
app.add_typer(intentions_app, name="intentions")

KlantmanagerOption = Annotated[
    str, typer.Option("--klantmanager", help="Her name, as in the consent records.")
]
RootOption = Annotated[
    Path | None, typer.Option("--root", help="Data root (default: the configured root / KIJKWIJZER_ROOT).")
]


def _root(root: Path | None) -> Path:
    settings = state.settings
    return root if root is not None else settings.resolve(settings.root)


@intentions_app.command("set")
def set_command(
    klantmanager: KlantmanagerOption,
    intentions: Annotated[
        list[str],
        typer.Argument(help='Intentions, e.g. "Meer open vragen stellen" or "summaries=Vaker samenvatten".'),
    ],
    root: RootOption = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Date they were chosen (YYYY-MM-DD; default today).")
    ] = None,
) -> None:
    """Store a new set of intentions for a klantmanager (earlier sets are kept)."""
    from pipeline.errors import KijkwijzerError
    from pipeline.intentions import load_metric_catalog, set_intentions

    try:
        set_on = date.fromisoformat(on) if on else date.today()
    except ValueError as exc:
        raise KijkwijzerError(f"--on {on!r}: not a date (use YYYY-MM-DD)") from exc
    stored = set_intentions(_root(root), klantmanager, intentions, state.settings, set_on)
    catalog = load_metric_catalog(state.settings)
    for intention in stored.intentions:
        typer.echo(f"{intention.text}  ->  {intention.metric} ({catalog.metrics[intention.metric].label})")


@intentions_app.command("list")
def list_command(klantmanager: KlantmanagerOption, root: RootOption = None) -> None:
    """Show a klantmanager's current intentions and her recorded metric values."""
    from pipeline.intentions import load_history, load_metric_catalog

    history = load_history(_root(root), klantmanager, state.settings)
    catalog = load_metric_catalog(state.settings)
    if not history.intentions:
        typer.echo(f"no intentions stored for {klantmanager}")
    for intention in history.intentions:
        values = [record.values.get(intention.metric) for record in history.records]
        shown = (
            ", ".join("-" if value is None else str(round(value, 3)) for value in values)
            or "no recordings yet"
        )
        typer.echo(f"{intention.text}  ->  {catalog.metrics[intention.metric].label}: {shown}")
