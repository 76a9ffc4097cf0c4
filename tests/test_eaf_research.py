"""Research exports that open in ELAN and MAXQDA/ATLAS.ti.

The research ``transcript.eaf`` is written from the sample conversation's scripted turns with
the real analysis and fragment selection, then validated against the official EAF 3.0 XSD
(``tests/data/schemas``, a copy of ``../shared/schemas/EAFv3.0.xsd``), read back with pympi,
and checked for its media link, its event tiers and their controlled vocabularies.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from lxml import etree
from pympi import Elan
from sheet_helpers import TTS_MEDIA, tts_case

from pipeline.fragments import load_themes, select_fragments
from pipeline.privacy.research_files import MAXQDA_FILE, write_research_files
from pipeline.settings import load_settings

XSD = Path(__file__).resolve().parent / "data" / "schemas" / "EAFv3.0.xsd"
EVENT_TIERS = {"vraagvorm", "vraagfocus", "zelf-ingevuld", "gestapeld", "samenvatting", "fragment"}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, object, list]:
    settings = load_settings(environ={})
    _, conversation, analysis = tts_case()
    fragments = select_fragments(analysis, conversation, settings)
    folder = tmp_path_factory.mktemp("archive") / "rec-0123456789abcdef"
    media = folder / "original.mp4"
    media.parent.mkdir()
    media.write_bytes(TTS_MEDIA.read_bytes())
    titles = {key: theme.title for key, theme in load_themes(settings).themes.items()}
    write_research_files(conversation, analysis, fragments, folder / "research", titles, media)
    return folder / "research", conversation, analysis, fragments


def test_eaf_validates_against_the_official_xsd(written) -> None:
    research, *_ = written
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.parse(str(research / "transcript.eaf"))
    assert schema.validate(document), schema.error_log
    assert document.getroot().get("VERSION") == "3.0"


def test_eaf_links_its_media_relatively(written) -> None:
    research, *_ = written
    root = etree.parse(str(research / "transcript.eaf")).getroot()
    [media] = root.findall("HEADER/MEDIA_DESCRIPTOR")
    assert media.get("RELATIVE_MEDIA_URL") == "../original.mp4"
    assert (research / media.get("RELATIVE_MEDIA_URL")).resolve().is_file()
    assert media.get("MEDIA_URL").startswith("file:///") and media.get("MIME_TYPE") == "video/mp4"


def test_eaf_has_event_and_fragment_tiers_with_vocabularies(written) -> None:
    research, _conversation, analysis, fragments = written
    eaf = Elan.Eaf(str(research / "transcript.eaf"))
    tiers = set(eaf.get_tier_names())
    assert tiers >= EVENT_TIERS
    assert {"klantmanager", "client"} <= tiers  # the transcript tiers stay
    themes = {t for t in tiers if t.startswith("thema-")}
    assert {"thema-emotie", "thema-weerstand", "thema-agenda"} <= themes, themes
    root = etree.parse(str(research / "transcript.eaf")).getroot()
    vocabularies = {
        cv.get("CV_ID"): {v.text for v in cv.iter("CVE_VALUE")} for cv in root.iter("CONTROLLED_VOCABULARY")
    }
    types = {
        lt.get("LINGUISTIC_TYPE_ID"): lt.get("CONTROLLED_VOCABULARY_REF")
        for lt in root.iter("LINGUISTIC_TYPE")
    }
    assert vocabularies["vraagvorm"] == {"open", "gesloten"}
    assert vocabularies["vraagfocus"] == {"beleving", "feit", "anders"}
    for tier in EVENT_TIERS | themes:
        cv = types[eaf.tiers[tier][2]["LINGUISTIC_TYPE_REF"]]
        values = {value for _, _, value in eaf.get_annotation_data_for_tier(tier)}
        assert values and values <= vocabularies[cv], tier
    questions = [e for e in analysis.events if e.type == "question"]
    assert len(eaf.get_annotation_data_for_tier("vraagvorm")) == sum(1 for e in questions if e.form)
    stacked = sum(1 for e in questions if e.stacked)
    assert len(eaf.get_annotation_data_for_tier("gestapeld")) == stacked > 0
    assert [(s, e) for s, e, _ in eaf.get_annotation_data_for_tier("fragment")] == sorted(
        (round(f.start * 1000), round(f.end * 1000)) for f in fragments
    )
    for tier in EVENT_TIERS | themes:  # ELAN refuses overlapping annotations on one tier
        spans = sorted(eaf.get_annotation_data_for_tier(tier))
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), tier


def test_maxqda_transcript_has_timestamps_and_speakers(written) -> None:
    research, conversation, *_ = written
    text = (research / MAXQDA_FILE).read_text(encoding="utf-8")
    paragraphs = text.strip().split("\n\n")
    assert len(paragraphs) == len(conversation.turns)
    line = re.compile(r"^#(\d\d):(\d\d):(\d\d)-(\d)# (Klantmanager|Cliënt|Ander): \S")
    for paragraph, turn in zip(paragraphs, conversation.turns, strict=True):
        match = line.match(paragraph)
        assert match, paragraph
        h, m, s, tenth = (int(g) for g in match.groups()[:4])
        assert abs(h * 3600 + m * 60 + s + tenth / 10 - turn.start) <= 0.05
        assert "\n" not in paragraph
