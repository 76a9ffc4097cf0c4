"""The fragments stage as the engine sees it: the moments worth looking at again."""

from __future__ import annotations

from pydantic import TypeAdapter

from pipeline.stages.spec import StageInput, StageSpec
from pipeline.types import Fragment


def _fragments(s: StageInput) -> list[Fragment]:
    from pipeline.fragments.select import select_fragments

    return select_fragments(s.results["analysis"], s.results["align"], s.settings)


SPEC = StageSpec(
    "fragments", ("analysis", "align"), ("fragments",), ("pipeline.fragments",), _fragments,
    TypeAdapter(list[Fragment]),
)  # fmt: skip
