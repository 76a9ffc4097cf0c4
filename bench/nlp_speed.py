"""Time tagging and parsing a 60-minute transcript (~9,000 words) and measure the memory it adds.

Goal (issue 11): ≤ 1.5 s on 2 cores and ≤ 300 MB peak extra memory for the shipped pipeline.
The text is the analysis speed bench's transcript (dev-set conversations repeated to 60 minutes
and 9,000 words). Each model runs in its own process, so that its memory is its own: "extra"
is the peak resident memory (VmHWM) minus the resident memory before spaCy was imported.
``DutchNlp.tokenize`` is what is timed: the whole pipeline (tokenizer, tok2vec, morphologizer,
parser, lemmatizer) plus building the analysis tokens, one Doc per sentence as the analysis does.

    .venv/bin/python bench/nlp_speed.py [--repeat 3] [--models models/nl_kijkwijzer_sm blank]
        [--matmul numpy blis] [--rounds 2]

``--matmul`` compares who multiplies the matrices (``analysis.nlp.matmul``); with ``--rounds``
the model/matmul children take turns, so that a noisy neighbour slows each of them alike.
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


def measure(model: str, matmul: str, repeat: int) -> dict[str, object]:
    """In this process: load ``model``, tag the transcript ``repeat`` times, report times and memory."""
    texts = [s.text for s in long_conversation(60.0, 9000).sentences()]
    words = sum(len(text.split()) for text in texts)
    before = _rss_kib("VmRSS")
    started = time.perf_counter()
    from pipeline.nlp import get_nlp
    from pipeline.settings import load_settings

    settings = load_settings(environ={})
    nlp = get_nlp(model, settings.resolve(settings.analysis.lexicons.verbs), matmul=matmul)
    nlp.tokenize(texts[:50])  # warm-up
    load_s = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        nlp.tokenize(texts)
        times.append(time.perf_counter() - started)
    return {
        "model": nlp.name,
        "matmul": matmul,
        "version": nlp.version,
        "sentences": len(texts),
        "words": words,
        "load_s": round(load_s, 2),
        "times": [round(t, 3) for t in times],
        "peak_extra_mb": round((_rss_kib("VmHWM") - before) / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Run each model (and matmul) in child processes, taking turns, and print a line for each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["models/nl_kijkwijzer_sm", "blank"])
    parser.add_argument("--matmul", nargs="+", default=["numpy"], choices=["numpy", "blis"])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-matmul", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.child_matmul, args.repeat)))
        return 0
    # the blank pipeline has no network, so its matmul setting changes nothing
    runs = [(m, mm) for m in args.models for mm in (args.matmul if m != "blank" else args.matmul[:1])]
    results: dict[tuple[str, str], list[dict[str, object]]] = {run: [] for run in runs}
    for _ in range(args.rounds):
        for model, matmul in runs:
            child = [sys.executable, __file__, "--child", model, "--child-matmul", matmul]
            done = subprocess.run(
                [*child, "--repeat", str(args.repeat)], capture_output=True, text=True, check=True
            )
            results[model, matmul].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for (_model, matmul), rs in results.items():
        times = [t for r in rs for t in r["times"]]  # type: ignore[attr-defined]
        median = statistics.median(times)
        r = rs[0]
        print(
            f"{r['model']} {r['version']} (matmul {matmul}): {r['sentences']} sentences, {r['words']} words; "
            f"tag+parse median {median:.2f} s, best {min(times):.2f} s over {len(times)} runs "
            f"in {len(rs)} processes ({r['words'] / median:,.0f} words/s); "
            f"load {statistics.median(x['load_s'] for x in rs):.2f} s; "
            f"peak extra memory {max(x['peak_extra_mb'] for x in rs):.0f} MB"  # type: ignore[type-var]
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
