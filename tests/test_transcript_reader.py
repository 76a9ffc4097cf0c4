"""Reading transcripts for ``kijkwijzer analyse``: transcript.json and hand-corrected WebVTT.

Bad input must end in a one-line TranscriptError (a KijkwijzerError) naming the file, never
in another exception; a small hypothesis run checks that on arbitrary text as well.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import KijkwijzerError
from pipeline.formats.transcript_reader import (
    TranscriptError,
    parse_conversation_json,
    parse_webvtt,
    read_transcript,
)
from pipeline.types import Conversation, Speaker, Turn

VTT = """WEBVTT

NOTE gecorrigeerd door de onderzoeker

1
00:00:01.000 --> 00:00:04.000
<v Klantmanager>Goedemiddag. Hoe gaat het met je?

00:00:04.500 --> 00:00:06.000 align:start
<v CLIËNT>Het gaat wel.</v>

00:00:06.200 --> 00:00:07.000
<v cliënt>Een beetje <i>moe</i> &amp; druk.

00:00:06.800 --> 00:00:09.000
<v Tolk>Ik vertaal het even.

00:00:09.500 --> 00:00:10.500
<v Jobcoach>Mag ik iets aanvullen?
"""


def test_webvtt_voices_turns_and_overlaps() -> None:
    conv = parse_webvtt(VTT, "test.vtt")
    assert [(s.id, s.role, s.label) for s in conv.speakers] == [
        ("klantmanager", "klantmanager", "klantmanager"),
        ("client", "client", "client"),
        ("Tolk", "other", "other"),
        ("Jobcoach", "other", "other2"),
    ]
    # the two client cues 0.2 s apart are one turn; cue times are the turn times
    assert [t.role for t in conv.turns] == ["klantmanager", "client", "other", "other"]
    client = conv.turns[1]
    assert (client.start, client.end) == (4.5, 7.0)
    assert client.text == "Het gaat wel. Een beetje moe & druk."
    assert client.words[0].start == 4.5 and client.words[-1].end == 7.0
    # the interpreter starts before the client's cue ends and talks on: an interruption
    assert len(conv.overlaps) == 1
    overlap = conv.overlaps[0]
    assert (overlap.start, overlap.end, overlap.interrupter, overlap.interrupted) == (
        6.8,
        7.0,
        "Tolk",
        "client",
    )
    assert conv.duration_s == 10.5


def test_webvtt_cue_without_voice_continues_the_previous_voice() -> None:
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v client>Ja.\n\n00:05.000 --> 00:06.000\nDat klopt.\n"
    conv = parse_webvtt(text)
    assert [t.role for t in conv.turns] == ["client", "client"]  # 3 s apart: two turns


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "first line must be 'WEBVTT'"),
        ("WEBVTTX\n", "first line must be 'WEBVTT'"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nZonder stem.\n", "has no voice tag"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\n<v client>Terug in de tijd.\n", "ends before it starts"),
        ("WEBVTT\n\nNOTE alleen een notitie\n", "no cues with text"),
    ],
)
def test_bad_webvtt_is_one_clean_error(text: str, problem: str) -> None:
    with pytest.raises(TranscriptError, match=problem) as info:
        parse_webvtt(text, "x.vtt")
    assert "\n" not in str(info.value) and str(info.value).startswith("x.vtt: ")


def _conversation() -> Conversation:
    turn = Turn(
        index=0,
        speaker="a",
        role="klantmanager",
        label="klantmanager",
        start=0.0,
        end=2.0,
        text="Hoe gaat het?",
    )
    return Conversation(
        duration_s=2.0, speakers=[Speaker(id="a", role="klantmanager", label="klantmanager")], turns=[turn]
    )


def test_transcript_json_round_trip_ignores_unknown_top_level_keys(tmp_path: Path) -> None:
    data = _conversation().model_dump(mode="json")
    data["generator"] = "kijkwijzer process"
    path = tmp_path / "transcript.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_transcript(path) == _conversation()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"segments": []}', "ASR-only transcript has no speakers"),
        ('{"turns": []}', "missing 'duration_s'"),
        ('{"duration_s": 1, "speakers": [], "turns": "veel"}', "bad value at 'turns'"),
        ('{"duration_s": 1, "speakers": [], "turns": [{"index": 0}]}', "missing 'turns.0"),
        ("[" * 100000 + "]" * 100000, "expected a JSON object|nested too deeply"),
    ],
)
def test_bad_json_is_one_clean_error(text: str, problem: str) -> None:
    with pytest.raises(TranscriptError, match=problem):
        parse_conversation_json(text, "t.json")


def test_impossible_times_are_refused() -> None:
    data = _conversation().model_dump(mode="json")
    data["turns"][0]["end"] = float("nan")
    with pytest.raises(TranscriptError, match="impossible time"):
        parse_conversation_json(json.dumps(data), "t.json")
    data["turns"][0].update(start=5.0, end=1.0)
    with pytest.raises(TranscriptError, match="ends before it starts"):
        parse_conversation_json(json.dumps(data), "t.json")


def test_file_problems(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="no such file"):
        read_transcript(tmp_path / "missing.vtt")
    latin = tmp_path / "latin.vtt"
    latin.write_bytes("WEBVTT\n\n00:01.000 --> 00:02.000\n<v client>Cliënt\n".encode("latin-1"))
    with pytest.raises(TranscriptError, match="not UTF-8"):
        read_transcript(latin)
    other = tmp_path / "notes.txt"
    other.write_text("gewoon tekst", encoding="utf-8")
    with pytest.raises(TranscriptError, match="neither WebVTT nor transcript JSON"):
        read_transcript(other)


def test_bom_and_windows_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "t.vtt"
    path.write_bytes(b"\xef\xbb\xbfWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\n<v client>Ja.\r\n")
    assert read_transcript(path).turns[0].text == "Ja."


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_webvtt_parser_never_crashes(body: str) -> None:
    for text in (body, "WEBVTT\n\n" + body, "WEBVTT\n\n00:01.000 --> 00:02.000\n<v client>" + body):
        try:
            assert isinstance(parse_webvtt(text), Conversation)
        except KijkwijzerError as exc:
            assert "\n" not in str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=20,
    )
)
def test_json_parser_never_crashes(value: object) -> None:
    documents = [value, {"duration_s": 1.0, "speakers": [], "turns": [value]}]
    for document in documents:
        try:
            text = json.dumps(document)
        except (TypeError, ValueError):
            continue
        try:
            assert isinstance(parse_conversation_json(text), Conversation)
        except KijkwijzerError as exc:
            assert "\n" not in str(exc)
