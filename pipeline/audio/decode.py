"""Decode media with PyAV into the one format every later stage expects.

PyAV bundles FFmpeg, so wav, flac, mp3, m4a, ogg/opus, mp4, mov, mkv and webm
all decode without a system FFmpeg. Every way a file can be unusable is mapped
to a :class:`MediaError` naming the file and the problem, because a klantmanager
or researcher must be able to act on the message without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from pipeline.errors import MediaError

SAMPLE_RATE = 16_000
# A decoded stream shorter than this share of the declared duration is truncated.
_TRUNCATION_TOLERANCE = 0.9
# Room above the declared duration for the first buffer (resampler rounding, late frames).
_BUFFER_MARGIN = 1.005
# A damaged header may declare days; beyond this the buffer grows as frames arrive.
_MAX_FIRST_BUFFER_S = 4 * 3600.0


@dataclass(frozen=True)
class Audio:
    """Decoded audio: mono float32 samples in [-1, 1] at :data:`SAMPLE_RATE`."""

    samples: np.ndarray
    sample_rate: int
    source: Path
    has_video: bool

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate


def _declared_duration(container: av.container.InputContainer, stream: av.audio.AudioStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


class _SampleBuffer:
    """Decoded frames written into one growing float32 array.

    Why not a list of frames joined at the end: an hour's frames are some 100,000 small arrays
    (230 MB) that the C allocator keeps after they are freed, so the process kept twice the
    audio's size (498 MB resident for 219 MB of samples) for the rest of its life.
    """

    def __init__(self, capacity: int) -> None:
        self._data = np.empty(max(capacity, 1), np.float32)
        self._size = 0

    def append(self, frame: np.ndarray) -> None:
        end = self._size + frame.size
        if end > self._data.size:
            grown = np.empty(max(end, 2 * self._data.size), np.float32)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : end] = frame
        self._size = end

    def samples(self) -> np.ndarray:
        """The samples so far; a copy only when the buffer is more than 1% too large."""
        if self._data.size - self._size > self._data.size // 100:
            return self._data[: self._size].copy()
        return self._data[: self._size]


def load_audio(path: Path | str, sample_rate: int = SAMPLE_RATE) -> Audio:
    """Decode the first audio stream of ``path`` to mono float32 at ``sample_rate``."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(path, "file not found", "check the path")
    if path.stat().st_size == 0:
        raise MediaError(path, "file is empty", "copy the recording again")
    try:
        container = av.open(str(path), mode="r")
    except av.error.FFmpegError as exc:
        raise MediaError(path, "not a readable media file or the file is corrupt", "export it again") from exc
    with container:
        if not container.streams.audio:
            raise MediaError(path, "has no audio stream", "use a recording that contains sound")
        stream = container.streams.audio[0]
        has_video = bool(container.streams.video)
        declared = _declared_duration(container, stream)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        expected = min(declared or 60.0, _MAX_FIRST_BUFFER_S) * _BUFFER_MARGIN
        buffer = _SampleBuffer(round(expected * sample_rate))
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    buffer.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                buffer.append(out.to_ndarray().reshape(-1))
        except (av.error.FFmpegError, ValueError) as exc:
            raise MediaError(path, "audio is corrupt or truncated", "export or copy it again") from exc
    samples = buffer.samples()
    if samples.size == 0:
        raise MediaError(path, "audio stream contains no decodable sound", "export it again")
    decoded = samples.size / sample_rate
    if declared and declared > 1.0 and decoded < declared * _TRUNCATION_TOLERANCE:
        raise MediaError(
            path,
            f"file is truncated: {decoded:.1f} s of the declared {declared:.1f} s decode",
            "copy the complete recording again",
        )
    return Audio(samples=samples, sample_rate=sample_rate, source=path, has_video=has_video)
