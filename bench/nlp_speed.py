"""Time tagging and parsing a 60-minute transcript (~9,000 words) and measure the memory it adds.

Goal (issue 11): ≤ 1.5 s on 2 cores and ≤ 300 MB peak extra memory for the shipped pipeline.
The text is the analysis speed bench's transcript (dev-set conversations repeated to 60 minutes
and 9,000 words). Each model runs in its own process, so that its memory is its own: "extra"
is the peak resident memory (VmHWM) minus the resident memory before spaCy was imported.
``DutchNlp.tokenize`` is what is timed: the whole pipeline (tokenizer, tok2vec, morphologizer,
parser, lemmatizer) plus building the analysis tokens, one Doc per sentence as the analysis does.

    .venv/bin/python bench/nlp_speed.py [--repeat 3] [--models models/nl_kijkwijzer_sm blank]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from analysis_speed import long_conversation  # noqa: E402


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def measure(model: str, repeat: int) -> dict[str, object]:
    """In this process: load ``model``, tag the transcript ``repeat`` times, report times and memory."""
    texts = [s.text for s in long_conversation(60.0, 9000).sentences()]
    words = sum(len(text.split()) for text in texts)
    before = _rss_kib("VmRSS")
    started = time.perf_counter()
    from pipeline.nlp import get_nlp
    from pipeline.settings import load_settings

    settings = load_settings(environ={})
    nlp = get_nlp(model, settings.resolve(settings.analysis.lexicons.verbs))
    nlp.tokenize(texts[:50])  # warm-up
    load_s = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        nlp.tokenize(texts)
        times.append(time.perf_counter() - started)
    return {
        "model": nlp.name,
        "version": nlp.version,
        "sentences": len(texts),
        "words": words,
        "load_s": round(load_s, 2),
        "median_s": round(statistics.median(times), 3),
        "best_s": round(min(times), 3),
        "peak_extra_mb": round((_rss_kib("VmHWM") - before) / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Run each model in a child process and print one line per model."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["models/nl_kijkwijzer_sm", "blank"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return 0
    for model in args.models:
        run = subprocess.run(
            [sys.executable, __file__, "--child", model, "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(run.stdout.strip().splitlines()[-1])
        print(
            f"{r['model']} {r['version']}: {r['sentences']} sentences, {r['words']} words; "
            f"tag+parse median {r['median_s']:.2f} s, best {r['best_s']:.2f} s over {args.repeat} runs "
            f"({r['words'] / r['median_s']:,.0f} words/s); load {r['load_s']:.2f} s; "
            f"peak extra memory {r['peak_extra_mb']:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
