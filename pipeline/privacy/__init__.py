"""Privacy stage: Dutch de-identification (deduce + configured corrections) and pseudonymised
researcher exports.

Typical use for one recording::

    p = Pseudonymizer(settings.privacy, known_names=[consent.klantmanager])
    shared = pseudonymize_conversation(conversation, p)      # first: fixes the numbering
    events = pseudonymize_analysis(analysis, p)
    pseudonymize_files([out / "events.csv", out / "transcript.vtt"], research_dir, p)

Run ``python -m pipeline.privacy.warmup`` once after installing (builds deduce's cache).
"""

from pipeline.privacy.detect import Detector, Entity
from pipeline.privacy.exports import (
    pseudonymize_analysis,
    pseudonymize_conversation,
    pseudonymize_csv_text,
    pseudonymize_file,
    pseudonymize_files,
    pseudonymize_fragments,
    pseudonymize_json_value,
    pseudonymize_subtitles,
    pseudonymize_transcript,
)
from pipeline.privacy.pseudonyms import Pseudonymizer

__all__ = [
    "Detector",
    "Entity",
    "Pseudonymizer",
    "pseudonymize_analysis",
    "pseudonymize_conversation",
    "pseudonymize_csv_text",
    "pseudonymize_file",
    "pseudonymize_files",
    "pseudonymize_fragments",
    "pseudonymize_json_value",
    "pseudonymize_subtitles",
    "pseudonymize_transcript",
]
