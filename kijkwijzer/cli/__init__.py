"""Command-line entry point.

Every command module registers itself on :data:`app`. Heavy libraries (Prefect,
faster-whisper, spaCy) are imported inside the commands so that ``--help`` and
error messages stay instant.
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from kijkwijzer.cli import (  # noqa: F401  (imports register the commands)
    analyse_cmd,
    archive_cmd,
    enroll_cmd,
    intentions_cmd,
    process_cmd,
    review_cmd,
    transcribe_cmd,
)
from kijkwijzer.cli.app import app, state
from pipeline.errors import KijkwijzerError
from pipeline.ingest.errors import disk_full, disk_full_cause


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors become one line on stderr and exit code 2."""
    # Everything we write is special-category personal data: owner-only by default.
    os.umask(0o077)
    try:
        app(args=argv, prog_name="kijkwijzer", standalone_mode=False)
    except KijkwijzerError as exc:
        if state.debug:
            traceback.print_exc()
        print(f"kijkwijzer: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except (click.Abort, KeyboardInterrupt):
        print("kijkwijzer: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # an internal error: still one line unless --debug
        if state.debug:
            traceback.print_exc()
        if cause := disk_full_cause(exc):  # wherever it struck, a full disk is not a bug
            print(f"kijkwijzer: error: {disk_full(cause.filename, cause)}", file=sys.stderr)
            sys.exit(2)
        print(
            f"kijkwijzer: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", file=sys.stderr
        )
        sys.exit(1)
