"""Make small real media files for tests with PyAV: every container, and every kind of bad file.

Tests encode from a slice of the committed real-speech clip, so decoding is
exercised on real content, not on mocks.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

REAL_CLIP = Path(__file__).resolve().parents[1] / "sample_media" / "real_dev_dialogue.flac"

# container suffix -> (format name, audio codec, video codec or None, audio sample rate)
FORMATS: dict[str, tuple[str, str, str | None, int]] = {
    "wav": ("wav", "pcm_s16le", None, 16000),
    "flac": ("flac", "flac", None, 16000),
    "mp3": ("mp3", "libmp3lame", None, 16000),
    "m4a": ("ipod", "aac", None, 16000),
    "ogg": ("ogg", "libopus", None, 48000),
    "opus": ("opus", "libopus", None, 48000),
    "mp4": ("mp4", "aac", "mpeg4", 16000),
    "mov": ("mov", "aac", "mpeg4", 16000),
    "mkv": ("matroska", "libopus", "mpeg4", 48000),
    "webm": ("webm", "libopus", "libvpx", 48000),
}


def speech_snippet(seconds: float = 3.0, rate: int = 16000) -> np.ndarray:
    """The first ``seconds`` of the real clip (or a chirp if it is absent), as float32 mono."""
    if REAL_CLIP.is_file():
        with av.open(str(REAL_CLIP)) as container:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            chunks: list[np.ndarray] = []
            for frame in container.decode(audio=0):
                chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
                if sum(len(c) for c in chunks) >= seconds * rate:
                    break
        return np.concatenate(chunks)[: int(seconds * rate)].astype(np.float32)
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * (200 + 300 * t) * t)).astype(np.float32)


def _resample(samples: np.ndarray, src: int, dst: int) -> np.ndarray:
    if src == dst:
        return samples
    positions = np.arange(int(len(samples) * dst / src)) * src / dst
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def write_media(path: Path, samples: np.ndarray | None, rate: int = 16000, video: bool | None = None) -> Path:
    """Encode ``samples`` into ``path``'s container; ``samples=None`` writes video only."""
    fmt, acodec, vcodec, arate = FORMATS[path.suffix.lstrip(".")]
    with_video = vcodec is not None if video is None else video
    with av.open(str(path), mode="w", format=fmt) as out:
        vstream = None
        if with_video:
            vstream = out.add_stream(vcodec or "mpeg4", rate=5)
            vstream.width, vstream.height, vstream.pix_fmt = 64, 48, "yuv420p"
        astream = None
        if samples is not None:
            astream = out.add_stream(acodec, rate=arate)
            astream.layout = "mono"
        if vstream is not None:
            seconds = len(samples) / rate if samples is not None else 2.0
            for index in range(max(1, int(seconds * 5))):
                image = np.full((48, 64, 3), (index * 10) % 255, dtype=np.uint8)
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                frame.pts = index
                frame.time_base = Fraction(1, 5)
                for packet in vstream.encode(frame):
                    out.mux(packet)
            for packet in vstream.encode(None):
                out.mux(packet)
        if astream is not None:
            data = _resample(samples, rate, arate)
            pcm = (np.clip(data, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = arate
            for packet in astream.encode(frame):
                out.mux(packet)
            for packet in astream.encode(None):
                out.mux(packet)
    return path


def truncated_copy(source: Path, target: Path, keep: float = 0.5) -> Path:
    """Write the first ``keep`` share of ``source``'s bytes to ``target``."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target
