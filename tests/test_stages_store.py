"""Stage cache keys and the stage store: what invalidates a cached result, and what does not."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from pydantic import BaseModel

from pipeline.ingest.consent import ConsentFlags, ConsentRecord
from pipeline.settings import load_settings
from pipeline.stages.jobs import RecordingJob
from pipeline.stages.plan import BY_NAME, STAGE_NAMES, STAGES, downstream_of, stage_key, waves
from pipeline.stages.store import (
    StageRef,
    code_version,
    config_identity,
    existing_ref,
    forget_code_versions,
    new_work_dir,
    prefect_record,
    prune,
    publish_dir,
    serving_record,
    stage_dir,
)

SETTINGS = load_settings(environ={})


def _job(tmp_path: Path, **changes) -> RecordingJob:
    consent = ConsentRecord(
        klantmanager="A. de Vries",
        client="C-0001",
        recorded_on="2026-11-20",
        consent=ConsentFlags(recording=True, analysis=True, research_use=False),
        retention_days=90,
        form_reference="TF-1",
        participants=2,
    )
    values = dict(recording_id="rec-0123456789abcdef", media=tmp_path / "m.flac", sha256="a" * 64,
                  consent=consent, cache_dir=tmp_path / "cache")  # fmt: skip
    values.update(changes)
    return RecordingJob(**values)


def bump_first_number(section: BaseModel) -> bool:
    """Change the first number in a settings section (whatever its stage calls it)."""
    for name, value in section:
        if type(value) in (int, float):
            setattr(section, name, value + 1)
            return True
        if isinstance(value, BaseModel) and bump_first_number(value):
            return True
    return False


def _ref(stage: str, sha: str) -> StageRef:
    return StageRef(stage=stage, key="k", dir="/nowhere", sha256=sha)


def test_code_version_ignores_comments_and_docstrings(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "probe_stage"
    package.mkdir()
    source = package / "__init__.py"
    monkeypatch.syspath_prepend(str(tmp_path))

    def version(text: str) -> str:
        source.write_text(text)
        forget_code_versions()
        sys.modules.pop("probe_stage", None)
        return code_version(("probe_stage",))

    base = version('"""Doc."""\n\ndef f(x):\n    return x + 1\n')
    reworded = '"""Other words."""\n# a comment\n\n\ndef f(x):\n    """Why."""\n    return x + 1\n'
    assert version(reworded) == base
    assert version('"""Doc."""\n\ndef f(x):\n    return x + 2\n') != base
    (package / "lexicon.yaml").write_text("a: 1\n")  # data files of the package count too
    assert version('"""Doc."""\n\ndef f(x):\n    return x + 1\n') != base


def test_source_digests_are_memoised_on_size_and_mtime(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    package = tmp_path / "memo_stage"
    package.mkdir()
    source = package / "__init__.py"
    monkeypatch.syspath_prepend(str(tmp_path))

    def version(text: str | None, age_s: float) -> str:
        if text is not None:
            source.write_text(text)
        stamp = time.time() - age_s
        os.utime(source, (stamp, stamp))
        forget_code_versions()
        return code_version(("memo_stage",))

    fresh = version("def f(x):\n    return x + 1\n", age_s=0.0)
    assert not (tmp_path / "cache" / "kijkwijzer" / "source-digests.json").exists()  # too recent to trust
    old = version(None, age_s=60.0)
    assert old == fresh
    memo = tmp_path / "cache" / "kijkwijzer" / "source-digests.json"
    assert str(source) in json.loads(memo.read_text())["files"] and memo.stat().st_mode & 0o077 == 0
    assert version("def f(x):\n    return x + 2\n", age_s=60.0) != old  # same size, new mtime: digested again
    assert version("def f(x):\n    return x + 1\n", age_s=120.0) == old


def test_each_stage_key_follows_its_own_config_only() -> None:
    changed = SETTINGS.model_copy(deep=True)
    changed.asr.beam_size = SETTINGS.asr.beam_size + 1
    assert config_identity(changed, ("asr",)) != config_identity(SETTINGS, ("asr",))
    assert config_identity(changed, ("analysis",)) == config_identity(SETTINGS, ("analysis",))


def test_analysis_change_keeps_asr_and_diarisation_keys(tmp_path: Path) -> None:
    job = _job(tmp_path)
    changed = SETTINGS.model_copy(deep=True)
    assert bump_first_number(changed.analysis)
    for stage in ("transcribe", "diarize"):
        spec = BY_NAME[stage]
        assert stage_key(spec, job, SETTINGS, {}) == stage_key(spec, job, changed, {}), stage
    inputs = {"align": _ref("align", "b" * 64)}
    assert stage_key(BY_NAME["analysis"], job, SETTINGS, inputs) != stage_key(
        BY_NAME["analysis"], job, changed, inputs
    )


def test_keys_follow_input_content_not_names(tmp_path: Path) -> None:
    spec = BY_NAME["analysis"]
    job = _job(tmp_path)
    same = stage_key(spec, job, SETTINGS, {"align": _ref("align", "b" * 64)})
    assert stage_key(spec, job.model_copy(update={"media": tmp_path / "renamed.mp4"}), SETTINGS,
                     {"align": _ref("align", "b" * 64)}) == same  # fmt: skip
    assert stage_key(spec, job, SETTINGS, {"align": _ref("align", "c" * 64)}) != same
    asr = BY_NAME["transcribe"]
    other_media = job.model_copy(update={"sha256": "f" * 64})
    assert stage_key(asr, job, SETTINGS, {}) != stage_key(asr, other_media, SETTINGS, {})


def test_stage_graph() -> None:
    assert downstream_of("analysis") == {"analysis", "fragments", "sheet", "research"}
    assert "transcribe" not in downstream_of("diarize")
    grouped = [[spec.name for spec in wave] for wave in waves(STAGES)]
    assert grouped[0] == ["transcribe", "diarize"]
    assert [name for wave in grouped for name in wave] == list(STAGE_NAMES)
    for spec in STAGES:  # every input comes from an earlier stage
        assert all(STAGE_NAMES.index(name) < STAGE_NAMES.index(spec.name) for name in spec.inputs)


def test_results_appear_whole_and_stale_ones_are_pruned(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert existing_ref(cache, "analysis", "k1") is None
    work = new_work_dir(cache, "analysis")
    (work / "analysis.json").write_text("{}")
    assert existing_ref(cache, "analysis", "k1") is None  # nothing until the rename
    (work / "result.json").write_text('{"events": [], "metrics": {}}')
    publish_dir(work, stage_dir(cache, "analysis", "k1"))
    ref = existing_ref(cache, "analysis", "k1")
    assert ref is not None and len(ref.sha256) == 64 and not work.exists()
    assert oct((cache / "analysis-k1" / "result.json").stat().st_mode & 0o777) == "0o600"
    stale = new_work_dir(cache, "sheet")
    (cache / "analysis-k0").mkdir()
    (cache / "analysis-k1.prefect").write_text("{}")
    (cache / "4f1e2b3c").write_text("a failed attempt's exception")
    prune(cache, {"analysis-k1"})
    assert sorted(p.name for p in cache.iterdir()) == ["analysis-k1", "analysis-k1.prefect"]
    assert not stale.exists()


def test_the_store_decides_which_record_serves_and_changes_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain = prefect_record(cache, "analysis", "k1")
    assert serving_record(cache, "analysis", "k1", lambda record: None) == plain  # first run: record it
    work = new_work_dir(cache, "analysis")
    (work / "result.json").write_text('{"events": [], "metrics": {}}')
    publish_dir(work, stage_dir(cache, "analysis", "k1"))
    stored = existing_ref(cache, "analysis", "k1")
    assert stored is not None
    plain.write_text(stored.sha256)  # a record that points at what the store holds

    def recorded(record: Path) -> str | None:
        return record.read_text() or None

    assert serving_record(cache, "analysis", "k1", recorded) == plain
    plain.write_text("f" * 64)  # the result was recomputed since the record was written
    variant = serving_record(cache, "analysis", "k1", recorded)
    assert variant == prefect_record(cache, "analysis", "k1", stored.sha256[:12]) and not variant.exists()
    (cache / "analysis-k1" / "result.json").write_text('{"events": [')  # damaged: run, record nothing
    assert serving_record(cache, "analysis", "k1", recorded) is None
    assert plain.read_text() == "f" * 64 and sorted(p.name for p in cache.iterdir()) == [
        "analysis-k1",
        "analysis-k1.prefect",
    ]  # nothing deleted or written while deciding
