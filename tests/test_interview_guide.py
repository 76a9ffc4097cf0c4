"""The client-interview guide: 4-6 fragments where the client's view matters, plain open questions.

Built from the sample conversation's scripted turns with the real analysis and fragment
selection, as the sheet stage builds it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sheet_helpers import tts_case

from pipeline.fragments import load_themes, select_fragments
from pipeline.report.interview_guide import GUIDE_FILE, choose, interview_texts, write_interview_guide
from pipeline.settings import Settings, load_settings

# Words of the analysis and the sheet that a client should never read in the guide.
JARGON = ("open vraag", "gesloten", "feitenvraag", "belevingsvraag", "gestapeld", "zelf ingevuld",
          "samenvatting", "metacommunicatie", "monoloog", "detector", "score", "analyse")  # fmt: skip
OPEN_STARTS = ("wat", "hoe", "waarom", "waar", "wanneer", "wie", "welke", "vertel")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip = tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.skip = False

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture(scope="module")
def guide(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list, object]:
    _, conversation, analysis = tts_case()
    fragments = select_fragments(analysis, conversation, settings)
    out = tmp_path_factory.mktemp("guide")
    [path] = write_interview_guide(analysis, fragments, out, settings)
    assert path == out / GUIDE_FILE and path.stat().st_mode & 0o777 == 0o600
    return path.read_text(encoding="utf-8"), fragments, analysis


def test_four_to_six_fragments_where_the_client_matters(guide, settings: Settings) -> None:
    html, fragments, analysis = guide
    chosen = choose(fragments, analysis, settings)
    assert 4 <= len(chosen) <= 6
    kinds = [kind for _, kind in chosen]
    assert {"emotion", "resistance"} <= set(kinds), kinds  # the sample has both
    assert [f.start for f, _ in chosen] == sorted(f.start for f, _ in chosen)
    assert html.count('class="fragment"') == len(chosen)
    assert html.count('class="answer"') >= 2 * len(chosen)  # room to write the answers


def test_questions_are_short_open_and_plain(guide, settings: Settings) -> None:
    html, fragments, analysis = guide
    parser = _Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    lowered = text.lower()
    assert not [word for word in JARGON if word in lowered]
    themes = load_themes(settings).themes
    assert not [t.title for t in themes.values() if t.title in text]  # no sheet theme names either
    assert not re.search(r"\d+ (keer|vragen|procent|%)", lowered)  # no counts
    texts = interview_texts(settings)
    shown = [
        q for _, kind in choose(fragments, analysis, settings) for q in texts["moments"][kind]["questions"]
    ]
    shown += texts["opening"] + texts["closing"]
    assert all(question in text for question in shown)
    for question in [q for m in texts["moments"].values() for q in m["questions"]] + shown:
        words = question.rstrip("?").split()
        assert question.endswith("?") and len(words) <= 10, question
        assert words[0].lower() in OPEN_STARTS, question  # open: not yes/no
        assert not any(len(word.strip(",.")) > 13 for word in words), question  # plain words (B1)
    assert "Wat dacht u op dit moment?" in text and "Hoe voelde het toen de klantmanager dit zei?" in text


def test_a_short_conversation_still_gets_a_guide(settings: Settings, tmp_path: Path) -> None:
    _, conversation, analysis = tts_case()
    fragments = select_fragments(analysis, conversation, settings)[:2]
    [path] = write_interview_guide(analysis, fragments, tmp_path, settings)
    html = path.read_text(encoding="utf-8")
    assert html.count('class="fragment"') == 2 and "Tot slot" in html
    [empty] = write_interview_guide(analysis, [], tmp_path / "none", settings)
    assert interview_texts(settings)["none"] in empty.read_text(encoding="utf-8")
