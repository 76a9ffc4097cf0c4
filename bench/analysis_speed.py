"""Time the analysis of a 60-minute conversation (about 9,000 words); the goal is ≤ 2 s.

The transcript is built from the labelled dev set (tests/data/analysis_dev): conversations
are repeated back to back, shifted in time, until the conversation is at least 60 minutes
and ~9,000 words long, so the text is realistic klantmanager talk rather than lorem ipsum.
Loading spaCy and the lexicons happens once per process and is reported separately.

    .venv/bin/python bench/analysis_speed.py [--minutes 60] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.analysis.labelled import load_labelled_dir  # noqa: E402
from pipeline.types import Conversation, Sentence, Turn  # noqa: E402

DEV_DIR = ROOT / "tests" / "data" / "analysis_dev"


def long_conversation(minutes: float, min_words: int) -> Conversation:
    """Dev-set conversations repeated and shifted until long enough."""
    sources = [item.conversation for item in load_labelled_dir(DEV_DIR)]
    turns: list[Turn] = []
    speakers = {}
    offset = 0.0
    sentence_index = 0
    words = 0
    while offset < minutes * 60 or words < min_words:
        for source in sources:
            for speaker in source.speakers:
                speakers.setdefault(speaker.id, speaker)
            for turn in source.turns:
                sentences = []
                for sentence in turn.sentences:
                    sentences.append(
                        Sentence(
                            index=sentence_index,
                            turn_index=len(turns),
                            start=sentence.start + offset,
                            end=sentence.end + offset,
                            text=sentence.text,
                            speaker=sentence.speaker,
                            role=sentence.role,
                        )
                    )
                    sentence_index += 1
                    words += len(sentence.text.split())
                turns.append(
                    turn.model_copy(
                        update={
                            "index": len(turns),
                            "start": turn.start + offset,
                            "end": turn.end + offset,
                            "sentences": sentences,
                        }
                    )
                )
            offset = turns[-1].end + 2.0
            if offset >= minutes * 60 and words >= min_words:
                break
    return Conversation(duration_s=offset, speakers=list(speakers.values()), turns=turns)


def main(argv: list[str] | None = None) -> int:
    """Build the transcript, load once, then time the analysis several times."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--words", type=int, default=9000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    conversation = long_conversation(args.minutes, args.words)
    n_words = sum(len(s.text.split()) for s in conversation.sentences())
    started = time.perf_counter()
    from pipeline.analysis import analyse
    from pipeline.analysis.context import AnalysisContext
    from pipeline.settings import load_settings

    settings = load_settings(environ={})
    context = AnalysisContext.from_settings(settings)
    warm_up = long_conversation(0.1, 1)  # compiles the lexicon patterns, like a first recording
    analyse(warm_up, settings)
    load_s = time.perf_counter() - started
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        analysis = analyse(conversation, settings)
        times.append(time.perf_counter() - started)
    print(
        f"conversation: {conversation.duration_s / 60:.1f} min, {len(conversation.turns)} turns, "
        f"{len(conversation.sentences())} sentences, {n_words} words"
    )
    print(f"nlp: {context.nlp.name}; import, load and warm-up (once per process): {load_s:.2f} s")
    print(
        f"analysis: median {statistics.median(times):.2f} s, best {min(times):.2f} s over {args.repeat} runs "
        f"({n_words / statistics.median(times):,.0f} words/s); {len(analysis.events)} events"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
