"""Settings of the diarize stage: which backend, and every threshold of the embedded one."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from pipeline.settings.base import Section


class VadSettings(Section):
    """Silero VAD (the ONNX model inside the faster-whisper wheel) for the embedded backend.

    Short silences and little padding, unlike the ASR's VAD: here a pause is
    where a speaker may change, and padding adds false-alarm speech.
    """

    threshold: float = Field(0.3, gt=0, lt=1)  # 0.5 missed 6 s of noisy speech on real_dev_hard
    min_speech_ms: int = Field(200, ge=0)
    min_silence_ms: int = Field(150, ge=0)
    speech_pad_ms: int = Field(60, ge=0)
    # Silero copies its input twice (about 500 MB for an hour), so long recordings go in chunks;
    # a region cut by a chunk edge is joined again
    chunk_s: float = Field(600.0, ge=30)


class EmbeddedSettings(Section):
    """The torch-free backend: resemblyzer d-vectors in numpy, spectral clustering."""

    weights_path: Path | None = None  # None: pretrained.pt from the resemblyzer wheel
    window_s: float = Field(1.5, gt=0.2)
    hop_s: float = Field(0.75, gt=0.05)
    score_window_s: float = Field(0.75, gt=0.2)
    score_hop_s: float = Field(0.1, gt=0.05)
    # A speech region whose clustering windows all have one label, each closer to its
    # centroid than to any other by this cosine margin, skips the short windows; None: never.
    held_margin: float | None = Field(0.2, ge=0)
    pause_changes: bool = True  # a voice carried across a pause is compared with its neighbours' voices
    min_window_s: float = Field(0.4, gt=0)  # shorter speech is labelled by its neighbours
    volume_target_dbfs: float = -30.0  # resemblyzer's own preprocessing level
    batch_size: int = Field(64, ge=1)
    encoder_threads: int = Field(1, ge=1)
    encoder_workers: int = Field(2, ge=1)  # batches embedded side by side, each in its own thread
    # Affinity refinement before spectral clustering (Wang et al. 2018): keep each
    # row's strongest share of similarities; the eigengap of the refined graph
    # estimates the number of speakers.
    affinity_keep: float = Field(0.3, gt=0, le=1)
    affinity_max_neighbors: int = Field(20, ge=2)  # cap on kept links when counting speakers
    random_state: int = 0
    # Frame labels are smoothed with a median filter of this length, then short
    # segments are absorbed and same-speaker segments across short gaps merged.
    smoothing_s: float = Field(0.5, ge=0)
    min_segment_s: float = Field(0.3, ge=0)
    fill_gap_s: float = Field(0.5, ge=0)
    snap_radius_s: float = Field(0.3, ge=0)  # move speaker changes to the quietest frame this near


class OverlapSettings(Section):
    """Overlapped-speech detection with pyannote segmentation-3.0 (ONNX, run with onnxruntime).

    The model only counts speakers per frame; who the second voice is comes
    from the clustering (the nearest other speaker in time). Without the model
    file the backend still runs, with one warning, and reports no overlaps.
    """

    enabled: bool = True
    model_path: Path = Path("models/segmentation_3.0/segmentation-3.0.onnx")
    window_s: float = Field(10.0, gt=1, le=10)  # the model's training chunk is 10 s
    step_s: float = Field(2.5, gt=0.1)
    # A first pass with windows side by side; the step_s windows run only where it found P above
    # this (None: every step_s window everywhere).
    screen_threshold: float | None = Field(0.1, gt=0, lt=1)
    threshold: float = Field(0.5, gt=0, lt=1)  # P(two or more speakers), averaged over windows
    min_overlap_s: float = Field(0.2, ge=0)  # shorter stretches are dropped
    fill_gap_s: float = Field(0.1, ge=0)  # overlap stretches this close are one overlap
    batch_size: int = Field(8, ge=1)
    threads: int = Field(1, ge=1)  # onnxruntime intra-op threads


class SpeakerEvidence(Section):
    """When a cluster counts as a speaker (the consent's participant count is only an upper bound).

    A cluster that fails any test is merged into the most similar one, so one
    voice split in two (seen with ``participants: 3`` and a quiet third voice)
    becomes one speaker again, and a ghost cluster of noise or laughter disappears.
    """

    min_speech_s: float = Field(2.0, ge=0)  # total speech time
    min_longest_turn_s: float = Field(1.0, ge=0)  # its longest segment
    min_centroid_distance: float = Field(0.15, ge=0, le=2)  # 1 - cosine to the nearest other centroid


class HiddenVoiceSettings(Section):
    """A quiet voice merged into a similar main one, looked for when the consent expects more speakers.

    See :mod:`pipeline.diarize.hidden_voice`. CAM++ (ONNX) embeds each speech
    piece; without the model file the search is skipped with one warning.
    """

    enabled: bool = True
    model_path: Path = Path("models/campplus/campplus.onnx")
    min_piece_s: float = Field(1.0, gt=0)  # shorter pieces embed too noisily to group
    # Average-linkage height (1 - cosine) above which a group is another voice:
    # one voice's pieces joined at 0.26-0.42 on the bench cases, the quiet job coach at 0.485.
    split_distance: float = Field(0.45, gt=0, le=2)
    threads: int = Field(1, ge=1)  # onnxruntime intra-op threads


class PyannoteSettings(Section):
    """The optional pyannote.audio backend (``pip install .[pyannote]``), from a local directory."""

    pipeline_dir: Path | None = None  # e.g. a snapshot of pyannote/speaker-diarization-community-1
    # 0.1 is pyannote's default and ran at about 2.6x real time on 2 cores; 0.5 at about 0.5x.
    segmentation_step: float = Field(0.5, gt=0, le=1)
    threads: int = Field(0, ge=0)  # 0 = torch's default


class DiarizationSettings(Section):
    """Who speaks when: backend choice and speaker-count limits."""

    backend: str = "embedded"  # a name in pipeline.diarize.backends: embedded, pyannote, or one registered
    min_speakers: int = Field(2, ge=1)
    max_speakers: int = Field(4, ge=1)
    vad: VadSettings = VadSettings()
    evidence: SpeakerEvidence = SpeakerEvidence()
    overlap: OverlapSettings = OverlapSettings()
    hidden_voice: HiddenVoiceSettings = HiddenVoiceSettings()
    embedded: EmbeddedSettings = EmbeddedSettings()
    pyannote: PyannoteSettings = PyannoteSettings()
