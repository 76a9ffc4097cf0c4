"""``python -m pipeline.privacy.warmup``: build deduce's lookup cache during setup.

The first ``deduce.Deduce()`` after installation builds a ~79 MB cache inside site-packages,
1-2 minutes on an idle machine and up to 12 under load. Doing it in ``make setup`` keeps that
wait out of the first real run and out of the test suite's timings.
"""

from __future__ import annotations

import sys
import time

from pipeline.privacy.engine import annotate, get_deduce


def main() -> int:
    """Build (or load) the cache, check one sentence, and report the time taken."""
    started = time.perf_counter()
    get_deduce()
    loaded = time.perf_counter() - started
    if not any(a.tag == "persoon" for a in annotate("Ik heb met Kees Jansen gesproken.")):
        print("deduce warm-up: loaded, but the check sentence found no name", file=sys.stderr)
        return 1
    print(f"deduce warm-up: ready in {loaded:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
