"""Audio stage: decode any common audio or video container to 16 kHz mono float32."""

from pipeline.audio.decode import SAMPLE_RATE, Audio, load_audio

__all__ = ["SAMPLE_RATE", "Audio", "load_audio"]
