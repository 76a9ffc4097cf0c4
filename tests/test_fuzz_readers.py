"""Fuzz the transcript readers (pipeline/formats/transcript_reader.py) with hypothesis.

Researchers hand-edit transcripts and anything may be dropped on the tool, so for every input the
readers must either return a Conversation or raise a KijkwijzerError whose message is one short
line (the CLI prints it as is); never another exception, never a hang.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import KijkwijzerError
from pipeline.formats.transcript_reader import parse_conversation_json, parse_webvtt, read_transcript
from pipeline.types import Conversation

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAX_MESSAGE = 2000


def parses_or_fails_cleanly(call, *args) -> None:
    """The property every reader must have."""
    try:
        result = call(*args)
    except KijkwijzerError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message, repr(message)
        assert len(message) <= MAX_MESSAGE, f"message of {len(message)} characters"
        return
    assert isinstance(result, Conversation)
    for turn in result.turns:
        assert math.isfinite(turn.start) and math.isfinite(turn.end)


# --- WebVTT ---------------------------------------------------------------------------------

timestamps = st.one_of(
    st.builds(
        lambda h, m, s, ms: f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}",
        st.integers(0, 99),
        st.integers(0, 59),
        st.integers(0, 59),
        st.integers(0, 999),
    ),
    st.builds(
        lambda m, s, ms: f"{m:02d}:{s:02d},{ms}", st.integers(0, 99), st.integers(0, 99), st.integers(0, 9999)
    ),
    st.text(alphabet="0123456789:.,- ", max_size=14),
)
voices = st.one_of(
    st.sampled_from(["klantmanager", "client", "Cliënt", "CLIENT", "tolk", "", " ", "a b", "<", "&amp;"]),
    st.text(max_size=12),
)
payload_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]) | st.sampled_from(list("<>&/\\ \t-->")), max_size=60
)


@st.composite
def cue_payloads(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            classes = draw(st.sampled_from(["", ".loud", ".a.b"]))
            parts.append(f"<v{classes} {draw(voices)}>")
        parts.append(draw(payload_text))
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(["</v>", "<i>", "</i>", "<b>", "<c.x>", "&lt;", "&#0;", "<"])))
    return "".join(parts)


@st.composite
def webvtt_documents(draw) -> str:
    header = draw(st.sampled_from(["WEBVTT", "WEBVTT - titel", "\ufeffWEBVTT", "WEBVTT\t", "webvtt", ""]))
    blocks = [header]
    for index in range(draw(st.integers(0, 6))):
        lines = []
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from([str(index + 1), "NOTE", "STYLE", "id-" + str(index)])))
        settings_part = draw(st.sampled_from(["", " align:start", " position:10%", " -->"]))
        lines.append(f"{draw(timestamps)} --> {draw(timestamps)}{settings_part}")
        lines += [draw(cue_payloads()) for _ in range(draw(st.integers(0, 3)))]
        blocks.append("\n".join(lines))
    separator = draw(st.sampled_from(["\n\n", "\r\n\r\n", "\n", "\r\r"]))
    return separator.join(blocks)


@FUZZ
@given(webvtt_documents())
def test_webvtt_structured(document):
    parses_or_fails_cleanly(parse_webvtt, document, "fuzz.vtt")


@FUZZ
@given(st.text(max_size=400))
def test_webvtt_arbitrary_text(document):
    parses_or_fails_cleanly(parse_webvtt, "WEBVTT\n\n" + document, "fuzz.vtt")
    parses_or_fails_cleanly(parse_webvtt, document, "fuzz.vtt")


def test_webvtt_valid_example_parses():
    document = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v klantmanager>Hoe gaat het?\n\n"
        "00:00:03.500 --> 00:00:06.000\n<v client>Goed, dank je.\n"
    )
    conversation = parse_webvtt(document, "ok.vtt")
    assert [turn.role for turn in conversation.turns] == ["klantmanager", "client"]


# --- transcript JSON ------------------------------------------------------------------------

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.sampled_from([0, -1, 1e308, "1.5", None, True]),
)
json_scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def words(draw) -> dict:
    return {
        "start": draw(numbers),
        "end": draw(numbers),
        "text": draw(st.text(max_size=15)),
        "speaker": draw(st.sampled_from(["S1", "S2", ""])),
        **({"probability": draw(numbers)} if draw(st.booleans()) else {}),
    }


@st.composite
def turns(draw) -> dict:
    turn = {
        "index": draw(st.integers(-2, 5)),
        "speaker": draw(st.sampled_from(["S1", "S2", "x"])),
        "role": draw(st.sampled_from(["klantmanager", "client", "other", "baas", ""])),
        "label": draw(st.text(max_size=10)),
        "start": draw(numbers),
        "end": draw(numbers),
        "text": draw(st.text(max_size=40)),
        "words": draw(st.lists(words(), max_size=3)),
        "sentences": draw(st.lists(json_values, max_size=2)),
    }
    for key in draw(st.sets(st.sampled_from(sorted(turn)), max_size=2)):
        turn.pop(key)
    return turn


@st.composite
def conversation_documents(draw) -> str:
    document = {
        "duration_s": draw(numbers),
        "speakers": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "id": st.text(max_size=5),
                        "role": st.sampled_from(["client", "other", "?"]),
                        "label": st.text(),
                    }
                ),
                max_size=3,
            )
        ),
        "turns": draw(st.lists(turns(), max_size=4)),
        "overlaps": draw(st.lists(json_values, max_size=2)),
    }
    if draw(st.booleans()):
        document[draw(st.text(max_size=6))] = draw(json_values)
    return json.dumps(document, allow_nan=True)


@FUZZ
@given(conversation_documents())
def test_conversation_json_structured(document):
    parses_or_fails_cleanly(parse_conversation_json, document, "fuzz.json")


@FUZZ
@given(json_values)
def test_conversation_json_arbitrary_values(value):
    parses_or_fails_cleanly(parse_conversation_json, json.dumps(value, allow_nan=True), "fuzz.json")


@FUZZ
@given(st.text(max_size=300))
def test_conversation_json_arbitrary_text(document):
    parses_or_fails_cleanly(parse_conversation_json, document, "fuzz.json")


def test_deeply_nested_json_fails_cleanly():
    for depth in (1_000, 100_000):
        parses_or_fails_cleanly(
            parse_conversation_json, '{"turns": ' + "[" * depth + "]" * depth + "}", "deep.json"
        )


# --- files (bytes, encodings, extensions) -----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.sampled_from([".vtt", ".json", ".txt", ""]))
def test_read_transcript_any_bytes(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"transcript{suffix}"
        path.write_bytes(content)
        parses_or_fails_cleanly(read_transcript, path)


def test_read_transcript_refuses_folders_and_missing_files(tmp_path):
    parses_or_fails_cleanly(read_transcript, tmp_path)
    parses_or_fails_cleanly(read_transcript, tmp_path / "bestaat-niet.vtt")
