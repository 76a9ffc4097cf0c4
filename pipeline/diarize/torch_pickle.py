"""Read a legacy (pre-zip) PyTorch checkpoint into numpy arrays without torch.

The resemblyzer wheel ships its encoder as ``pretrained.pt`` in torch's legacy
format: three small pickles (magic number, protocol version, system info), the
main pickle whose tensors point at storages by persistent id, a pickle with the
storage keys, and then each storage's raw bytes prefixed by its element count.

Unpickling arbitrary data can run arbitrary code, so the unpickler here only
resolves the handful of globals a state dict needs and rebuilds tensors as
numpy views; any other global aborts the load.
"""

from __future__ import annotations

import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class UnsafeCheckpointError(ValueError):
    """The checkpoint needs a global this reader does not allow, or is malformed."""


@dataclass
class _Storage:
    """A placeholder for a storage whose bytes come after the main pickle."""

    dtype: type
    data: np.ndarray | None = None


@dataclass
class _TensorRef:
    """A tensor to rebuild once the storages are read."""

    storage: _Storage
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor_v2(storage: _Storage, offset: int, size: tuple, stride: tuple, *_rest: Any) -> _TensorRef:
    return _TensorRef(storage, int(offset), tuple(size), tuple(stride))


def _rebuild_parameter(data: _TensorRef, *_rest: Any) -> _TensorRef:
    return data


class _StorageType:
    """Stands in for ``torch.FloatStorage`` etc. in persistent ids."""

    def __init__(self, dtype: type) -> None:
        self.dtype = dtype


class _SafeUnpickler(pickle.Unpickler):
    def __init__(self, handle: BinaryIO) -> None:
        super().__init__(handle)
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if (module, name) == ("torch._utils", "_rebuild_parameter"):
            return _rebuild_parameter
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(_STORAGE_DTYPES[name])
        raise UnsafeCheckpointError(f"checkpoint refers to {module}.{name}, which is not allowed")

    def persistent_load(self, pid: Any) -> _Storage:
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage":
            raise UnsafeCheckpointError(f"unsupported persistent id {pid!r:.80}")
        storage_type, key = pid[1], str(pid[2])
        if not isinstance(storage_type, _StorageType):
            raise UnsafeCheckpointError("persistent id without a known storage type")
        return self.storages.setdefault(key, _Storage(storage_type.dtype))


def _materialise(obj: Any) -> Any:
    if isinstance(obj, _TensorRef):
        data = obj.storage.data
        if data is None:
            raise UnsafeCheckpointError("tensor refers to a storage that the file does not contain")
        itemsize = data.itemsize
        view = np.lib.stride_tricks.as_strided(
            data[obj.offset :],
            shape=obj.size,
            strides=tuple(step * itemsize for step in obj.stride),
            writeable=False,
        )
        return np.array(view)
    if isinstance(obj, dict):
        return type(obj)((key, _materialise(value)) for key, value in obj.items())
    if isinstance(obj, list):
        return [_materialise(value) for value in obj]
    if isinstance(obj, tuple):
        return tuple(_materialise(value) for value in obj)
    return obj


def load_legacy_checkpoint(path: Path) -> Any:
    """Load a legacy torch checkpoint; tensors come back as numpy arrays."""
    with open(path, "rb") as handle:
        header = _SafeUnpickler(handle)
        if header.load() != _LEGACY_MAGIC:
            raise UnsafeCheckpointError(f"{path}: not a legacy torch checkpoint")
        header.load()  # protocol version
        sys_info = header.load()
        if not isinstance(sys_info, dict) or not sys_info.get("little_endian", False):
            raise UnsafeCheckpointError(f"{path}: only little-endian checkpoints are supported")
        unpickler = _SafeUnpickler(handle)
        result = unpickler.load()
        keys = _SafeUnpickler(handle).load()
        for key in keys:
            storage = unpickler.storages.get(str(key))
            if storage is None:
                raise UnsafeCheckpointError(f"{path}: storage {key} is listed but never used")
            (count,) = struct.unpack("<q", handle.read(8))
            dtype = np.dtype(storage.dtype)
            raw = handle.read(count * dtype.itemsize)
            if len(raw) != count * dtype.itemsize:
                raise UnsafeCheckpointError(f"{path}: truncated storage {key}")
            storage.data = np.frombuffer(raw, dtype=dtype)
    return _materialise(result)
