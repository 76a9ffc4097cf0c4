"""A thinc CPU backend whose matrix products go to numpy's BLAS instead of blis.

Why: thinc's ``NumpyOps.gemm`` calls blis, which runs on one thread and, on the 2-core
machines we target, reached 19 GFLOPS against 66 for numpy's OpenBLAS. The tok2vec's maxout
layers are most of the tagging time, so with blis an hour of talk (about 9,000 words) took
2.1-3.4 s to tag and parse; with this backend 1.1-1.2 s on the same machine, with the same
tags (``bench/nlp_speed.py``). Everything else is thinc's own numpy backend, so the trained
weights and the predictions are those of the shipped pipeline up to float rounding.
"""

from __future__ import annotations

from typing import Any

import numpy
from thinc.api import NumpyOps, registry

NAME = "numpy_blas"


@registry.ops("NumpyBlasOps")
class NumpyBlasOps(NumpyOps):
    """thinc's numpy backend with ``gemm`` done by ``numpy.matmul`` (multi-threaded BLAS)."""

    name = NAME

    def gemm(self, x: Any, y: Any, *, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
        """``x @ y`` with optional transposes, written into ``out`` when one is given."""
        left = x.T if trans1 else x
        right = y.T if trans2 else y
        if out is None:
            return numpy.matmul(left, right)
        numpy.matmul(left, right, out=out)
        return out
