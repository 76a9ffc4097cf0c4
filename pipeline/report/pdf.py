"""Print the HTML sheet to PDF with headless Chromium (Debian package ``chromium``).

Chromium renders the same HTML and inline SVG the klantmanager sees in her browser, so
the PDF needs no second layout. It runs with networking features off, in a throw-away
profile, and prints from a private temporary folder; the result is written owner-only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import KijkwijzerError
from pipeline.fsutil import atomic_write_bytes
from pipeline.settings.report import ReportSettings

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    # Chromium still resolves Google update hosts despite the flags above; no lookup may leave.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def print_pdf(html_path: Path, pdf_path: Path, report: ReportSettings, earlier: Iterable[Path] = ()) -> Path:
    """Render ``html_path`` to ``pdf_path``; a clear error says how to fix a missing Chromium.

    ``earlier`` are folders of sheets printed before (the recording's stored sheet results).
    Where one holds the same HTML, byte for byte, its ``sheet.pdf`` is copied instead of
    printed: Chromium is a second process that costs 2-3 s of wall time per sheet, the
    largest part of an analysis-only reprocess whose rules left this sheet unchanged.
    """
    if reused := _earlier_print(html_path, pdf_path.name, earlier):
        return atomic_write_bytes(pdf_path, reused)
    executable = shutil.which(report.chromium)
    if executable is None:
        raise KijkwijzerError(
            f"{report.chromium}: not found, so sheet.pdf cannot be printed "
            "(apt-get install chromium, or set report.pdf: false)"
        )
    with tempfile.TemporaryDirectory(prefix="kijkwijzer-pdf-") as tmp:
        target = Path(tmp) / "sheet.pdf"
        command = [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            html_path.resolve().as_uri(),
        ]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=report.pdf_timeout_s, env=_quiet_env(tmp)
            )
        except subprocess.TimeoutExpired as exc:
            raise KijkwijzerError(
                f"{html_path}: printing to PDF took over {report.pdf_timeout_s:.0f} s "
                "(raise report.pdf_timeout_s)"
            ) from exc
        if result.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise KijkwijzerError(f"{html_path}: chromium could not print the PDF ({last})")
        return atomic_write_bytes(pdf_path, target.read_bytes())


def _earlier_print(html_path: Path, pdf_name: str, earlier: Iterable[Path]) -> bytes | None:
    """The PDF printed from identical HTML in one of the ``earlier`` folders, if any."""
    html = html_path.read_bytes()
    for folder in earlier:
        try:
            if (folder / html_path.name).read_bytes() == html:
                pdf = (folder / pdf_name).read_bytes()
                if pdf:
                    return pdf
        except OSError:  # no such sheet, or a half-pruned folder: print instead
            continue
    return None


def _quiet_env(home: str) -> dict[str, str]:
    """A minimal environment: Chromium writes caches into HOME, so give it the temp folder."""
    keep = {key: os.environ[key] for key in ("PATH", "LANG", "LC_ALL", "TZ") if key in os.environ}
    return {**keep, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home}
