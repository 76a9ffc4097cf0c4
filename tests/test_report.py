"""The prep sheet: all four files, self-contained HTML, escaping, sections, wording, history."""

from __future__ import annotations

import json
import re
import stat
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sheet_helpers import event_at, synthetic_conversation, tts_case

from pipeline.errors import ConfigError
from pipeline.fragments import select_fragments
from pipeline.intentions import History, Intention, MetricRecord, intention_metrics
from pipeline.report import closing_prompts, load_texts, md_escape, write_sheet
from pipeline.settings import Settings, load_settings
from pipeline.types import Analysis

# Grading words the sheet must never use about the klantmanager.
GRADING = re.compile(
    r"\b(slecht|onvoldoende|voldoende|cijfer|score|zwak|moet je|te weinig|te veel|goed gedaan)\b"
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture(scope="module")
def no_pdf(settings: Settings) -> Settings:
    quick = settings.model_copy(deep=True)
    quick.report.pdf = False
    return quick


def _history(settings: Settings) -> History:
    _, conversation, analysis = tts_case()
    values = intention_metrics(analysis, conversation, settings)
    earlier = [
        MetricRecord(
            recording_id=f"r{i}",
            recorded_on=date(2026, 9 + i, 1),
            duration_s=1800,
            values={**values, "open_question_share": 0.3 + 0.1 * i, "stacked_questions": 6 - i},
        )
        for i in range(3)
    ]
    intentions = [
        Intention(text="Meer open vragen stellen", metric="open_question_share"),
        Intention(text="Eén vraag tegelijk <stellen>", metric="stacked_questions"),
        Intention(text="Aan het eind om feedback vragen", metric="feedback_asked"),
    ]
    return History(klantmanager="A. de Vries", intentions=intentions, records=earlier)


@pytest.fixture(scope="module")
def tts_sheet(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """The full sheet of the TTS sample, PDF included, with history."""
    _, conversation, analysis = tts_case()
    fragments = select_fragments(analysis, conversation, settings)
    out = tmp_path_factory.mktemp("sheet") / "out"
    write_sheet(
        conversation,
        analysis,
        fragments,
        out,
        settings,
        media_href="opname.mp4",
        history=_history(settings),
        recorded_on=date(2026, 11, 20),
    )
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [value or "" for name, value in attrs if name in ("src", "href", "action", "poster")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_all_four_files_owner_only(tts_sheet: Path) -> None:
    names = {path.name for path in tts_sheet.iterdir()}
    assert names == {"sheet.html", "sheet.md", "sheet.pdf", "fragments.json"}
    assert stat.S_IMODE(tts_sheet.stat().st_mode) == 0o700
    for path in tts_sheet.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    pdf = (tts_sheet / "sheet.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_html_is_self_contained(tts_sheet: Path) -> None:
    html = (tts_sheet / "sheet.html").read_text(encoding="utf-8")
    parsed = _parse(html)
    assert "link" not in parsed.tags and "img" not in parsed.tags and "iframe" not in parsed.tags
    for url in parsed.urls:
        assert url == "opname.mp4" or url.startswith("#"), url
    assert "@import" not in html and "url(" not in html
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert '<video id="player"' in html and "<svg" in html


def test_sections_in_order_and_in_dutch(tts_sheet: Path, settings: Settings) -> None:
    sections = load_texts(settings)["sections"]
    html = (tts_sheet / "sheet.html").read_text(encoding="utf-8")
    md = (tts_sheet / "sheet.md").read_text(encoding="utf-8")
    order = ["fragments", "glance", "since", "prompts", "slim"]  # the moments come first
    for document, pattern in ((html, r"<h2[^>]*>{}</h2>"), (md, r"^## {}$")):
        positions = [re.search(pattern.format(re.escape(sections[key])), document, re.M) for key in order]
        assert all(positions), order
        assert [m.start() for m in positions] == sorted(m.start() for m in positions)  # type: ignore[union-attr]
    assert "Sinds vorige keer" in html and 'class="sparkline"' in html
    assert "Gesprek van 20 november 2026" in html


def test_fragments_json_contract(tts_sheet: Path) -> None:
    fragments = json.loads((tts_sheet / "fragments.json").read_text(encoding="utf-8"))
    assert 6 <= len(fragments) <= 12
    for item in fragments:
        assert {"start", "end", "theme", "reason", "event_ids", "questions"} <= set(item)
        assert isinstance(item["questions"], list) and 2 <= len(item["questions"]) <= 3
        assert item["excerpt"] and {"role", "label", "start", "text"} <= set(item["excerpt"][0])


def test_sheet_never_grades(tts_sheet: Path) -> None:
    html_text = " ".join(_parse((tts_sheet / "sheet.html").read_text(encoding="utf-8")).text).lower()
    md = (tts_sheet / "sheet.md").read_text(encoding="utf-8").lower()
    for text in (html_text, md):
        assert not GRADING.search(text), GRADING.search(text)
        assert "geen beoordeling" in text


def test_every_fragment_has_its_play_control(tts_sheet: Path) -> None:
    fragments = json.loads((tts_sheet / "fragments.json").read_text(encoding="utf-8"))
    html = (tts_sheet / "sheet.html").read_text(encoding="utf-8")
    for item in fragments:
        assert f'<button class="play" type="button" data-start="{item["start"]:.2f}"' in html
        assert f'class="tl-fragment" data-start="{item["start"]:.2f}"' in html


def test_untrusted_transcript_text_is_escaped(tmp_path: Path, no_pdf: Settings) -> None:
    conversation = synthetic_conversation(300)
    hostile = (
        "<script>alert(1)</script> **vet** [klik](http://example.org) | kolom <img src=x onerror=alert(2)>"
    )
    turn = conversation.turns[10]
    sentence = turn.sentences[0].model_copy(update={"text": hostile})
    conversation.turns[10] = turn.model_copy(update={"text": hostile, "sentences": [sentence]})
    analysis = Analysis(
        events=[event_at(conversation, 10, "resistance", 1, speaker_role="klantmanager")], metrics={}
    )
    fragments = select_fragments(analysis, conversation, no_pdf)
    write_sheet(conversation, analysis, fragments, tmp_path, no_pdf)
    html = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "<img" not in md
    assert "[klik](" not in md and r"\[klik\](http" in md  # a literal, not a link
    assert md_escape(hostile) in md
    data = json.loads((tmp_path / "fragments.json").read_text(encoding="utf-8"))
    assert any(line["text"] == hostile for item in data for line in item["excerpt"])


def test_player_kind_follows_the_media(tmp_path: Path, no_pdf: Settings) -> None:
    conversation = synthetic_conversation(240)
    analysis = Analysis(events=[], metrics={})
    fragments = select_fragments(analysis, conversation, no_pdf)
    write_sheet(conversation, analysis, fragments, tmp_path / "a", no_pdf, media_href="opname.flac")
    audio = (tmp_path / "a" / "sheet.html").read_text(encoding="utf-8")
    assert '<audio id="player"' in audio and "<video" not in audio
    write_sheet(conversation, analysis, fragments, tmp_path / "n", no_pdf)
    bare = (tmp_path / "n" / "sheet.html").read_text(encoding="utf-8")
    assert 'id="player"' not in bare and "disabled>" in bare
    assert load_texts(no_pdf)["no_media"] in bare


def test_since_section_only_with_history(tmp_path: Path, no_pdf: Settings) -> None:
    _, conversation, analysis = tts_case()
    fragments = select_fragments(analysis, conversation, no_pdf)
    write_sheet(conversation, analysis, fragments, tmp_path / "none", no_pdf)
    assert "Sinds vorige keer" not in (tmp_path / "none" / "sheet.html").read_text(encoding="utf-8")
    history = _history(no_pdf).model_copy(update={"intentions": []})
    write_sheet(conversation, analysis, fragments, tmp_path / "empty", no_pdf, history=history)
    html = (tmp_path / "empty" / "sheet.html").read_text(encoding="utf-8")
    assert "Sinds vorige keer" in html and load_texts(no_pdf)["since"]["no_intentions"] in html


def test_since_rows_observe_without_judging(tts_sheet: Path) -> None:
    md = (tts_sheet / "sheet.md").read_text(encoding="utf-8")
    section = md[md.index("## Sinds vorige keer") : md.index("## Voor het reflectiegesprek")]
    assert "Meer open vragen stellen" in section and "50%" in section  # previous: 0.5
    assert "Eén vraag tegelijk &lt;stellen&gt;" in section  # her own words, escaped
    assert "4 keer (1,3 per 10 min)" in section  # previous: 4 stacked in 30 minutes
    assert "vorige keer" in section and not GRADING.search(section.lower())


def test_closing_prompts_three_to_five(settings: Settings) -> None:
    texts = load_texts(settings)
    _, conversation, analysis = tts_case()
    fragments = select_fragments(analysis, conversation, settings)
    for count in (3, 4, 5):
        prompts = closing_prompts(fragments, texts, count)
        assert len(prompts) == count and len(set(prompts)) == count
    assert len(closing_prompts([], texts, 4)) == 4


def test_missing_text_names_the_problem(tmp_path: Path, no_pdf: Settings) -> None:
    texts = tmp_path / "texts.yaml"
    texts.write_text(
        no_pdf.resolve(no_pdf.report.texts_file)
        .read_text(encoding="utf-8")
        .replace("    wait:\n", "    wachten:\n"),
        "utf-8",
    )
    custom = no_pdf.model_copy(deep=True)
    custom.report.texts_file = texts
    conversation = synthetic_conversation(240)
    analysis = Analysis(events=[event_at(conversation, 2, "question", 1, form="open")], metrics={})
    analysis.events[0].answer_latency_s = 1.0
    with pytest.raises(ConfigError, match="wait"):
        write_sheet(conversation, analysis, [], tmp_path / "out", custom)


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (
            0,
            [
                "Je stelde geen vragen.",
                "Bij geen van je vragen gaf je meteen zelf",
                "Je stelde nergens meerdere vragen tegelijk",
            ],
        ),
        (
            1,
            [
                "Je stelde 1 vraag.",
                "Bij 1 vraag gaf je meteen zelf",
                "1 keer stelde je meerdere vragen tegelijk",
            ],
        ),
        (3, ["Je stelde 3 vragen, waarvan 3 open.", "Bij 3 vragen gaf je meteen zelf"]),
    ],
)
def test_counts_agree_with_their_nouns(
    tmp_path: Path, no_pdf: Settings, questions: int, expected: list[str]
) -> None:
    """ "1 vraag", "3 vragen", "geen vragen": in running text, in the Markdown and the HTML sheet."""
    conversation = synthetic_conversation(240)
    events = [
        event_at(
            conversation, 2 * i, "question", i + 1, form="open", self_answered=True, stacked=questions == 1
        )
        for i in range(questions)
    ]
    analysis = Analysis(events=events, metrics={})
    write_sheet(conversation, analysis, [], tmp_path, no_pdf)
    md = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    html = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    for document in (md, html):
        for phrase in expected:
            assert phrase in document
        assert not re.search(r"\b1 vragen\b|\b[02-9] vraag\b|\b0 vragen\b", document)


def test_question_counts_add_up_and_describe_every_number(tmp_path: Path, no_pdf: Settings) -> None:
    """feeling + fact + other = questions (a focus of None counts as other), each number in a sentence."""
    conversation = synthetic_conversation(240)
    focus = ["feeling", "fact", None, "fact"]
    events = [
        event_at(conversation, 2 * i, "question", i + 1, form="open", focus=f) for i, f in enumerate(focus)
    ]
    write_sheet(conversation, Analysis(events=events, metrics={}), [], tmp_path, no_pdf)
    md = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert "Je stelde 4 vragen: 4 open en 0 gesloten." in md
    assert "1 over beleving, 2 over feiten, 1 over iets anders" in md
    html = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "✓" not in html and "positive" not in html  # no ticks, no good/bad styling


def test_slim_role_question_asked_once(tts_sheet: Path) -> None:
    html = (tts_sheet / "sheet.html").read_text(encoding="utf-8")
    assert html.count("facilitator, leraar, ouderfiguur of ondernemer") == 1
    prompts = html[html.index('id="reflectiegesprek"') : html.index('id="slim"')]
    assert "facilitator, leraar, ouderfiguur of ondernemer" in prompts


def test_interruptions_are_described_per_role_only_when_present(tmp_path: Path, no_pdf: Settings) -> None:
    conversation = synthetic_conversation(240)
    write_sheet(conversation, Analysis(events=[], metrics={}), [], tmp_path / "none", no_pdf)
    label = load_texts(no_pdf)["glance"]["facts"]["overlaps"]["label"]
    assert label not in (tmp_path / "none" / "sheet.md").read_text(encoding="utf-8")
    interruptions = [
        event_at(
            conversation,
            i,
            "interruption",
            i,
            speaker_role="client",
            details={"interrupted_role": "klantmanager"},
        )
        for i in (3, 7)
    ] + [event_at(conversation, 9, "interruption", 9, speaker_role="klantmanager")]
    write_sheet(conversation, Analysis(events=interruptions, metrics={}), [], tmp_path / "some", no_pdf)
    md = (tmp_path / "some" / "sheet.md").read_text(encoding="utf-8")
    assert label in md
    assert "De cliënt begon 2 keer te praten terwijl de ander nog sprak." in md
    assert "Jij begon 1 keer te praten terwijl de ander nog sprak." in md
    assert not GRADING.search(md.lower())


def test_pseudonymised_sheet_shows_no_real_name(tmp_path: Path, no_pdf: Settings) -> None:
    """The sheet's text comes from the (pseudonymised) sentences; recognised words only lend their
    probabilities, so a name never comes back through them, also where it was heard uncertainly."""
    from pipeline.privacy import Pseudonymizer, pseudonymize_analysis, pseudonymize_conversation

    conversation = synthetic_conversation(240)
    turn = conversation.turns[10]
    text = "Goedemorgen Tesfay Haile, hoe gaat het met je?"
    step = (turn.end - turn.start) / len(text.split())
    words = [
        turn.words[0].model_copy(
            update={
                "text": token,
                "start": turn.start + i * step,
                "end": turn.start + (i + 1) * step,
                "probability": 0.3,
            }
        )
        for i, token in enumerate(text.split())
    ]
    sentence = turn.sentences[0].model_copy(update={"text": text})
    conversation.turns[10] = turn.model_copy(update={"text": text, "words": words, "sentences": [sentence]})
    analysis = Analysis(events=[event_at(conversation, 10, "question", 1, form="open")], metrics={})
    pseudonymizer = Pseudonymizer(no_pdf.privacy, known_names=["A. de Vries"])
    hidden = pseudonymize_conversation(conversation, pseudonymizer)
    fragments = select_fragments(analysis, hidden, no_pdf)
    write_sheet(hidden, pseudonymize_analysis(analysis, pseudonymizer), fragments, tmp_path, no_pdf)
    for name in ("sheet.html", "sheet.md", "fragments.json"):
        document = (tmp_path / name).read_text(encoding="utf-8")
        assert "Tesfay" not in document and "Haile" not in document, name
    assert "[PERSOON-1]" in (tmp_path / "sheet.html").read_text(encoding="utf-8")
