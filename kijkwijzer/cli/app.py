"""The Typer application and the options every command shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

from pipeline.settings import Settings, load_settings


@dataclass
class CliState:
    """Global options; settings are loaded on first use so --help never fails on config."""

    config: Path | None = None
    debug: bool = False
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """The merged settings (defaults, --config, environment)."""
        if self._settings is None:
            self._settings = load_settings(self.config)
        return self._settings


state = CliState()

app = typer.Typer(
    name="kijkwijzer",
    help="Kijkwijzer: reflection prep sheets from recorded Dutch client conversations, fully offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _global_options(
    config: Annotated[
        Path | None, typer.Option("--config", help="User YAML overriding config/default.yaml.")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    state.config = config
    state.debug = debug
    state._settings = None
