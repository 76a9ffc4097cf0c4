"""Parse a small, untrusted YAML document with hard limits.

``yaml.safe_load`` already refuses to build Python objects, but it still expands anchors
and aliases (a "billion laughs" sidecar of a few hundred bytes becomes gigabytes) and
accepts any size. A consent sidecar is a handful of flat fields, so the event stream is
checked first: no anchors or aliases at all, a bounded number of nodes, bounded nesting
and bounded scalar length. Only then is it loaded.
"""

from __future__ import annotations

from typing import Any

import yaml

from pipeline.settings.orchestration import SidecarLimits


class UnsafeYamlError(ValueError):
    """The document breaks one of the limits; the message says which."""


def _check_events(text: str, limits: SidecarLimits) -> None:
    depth = nodes = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise UnsafeYamlError("YAML anchors and aliases are not allowed")
        if isinstance(event, yaml.ScalarEvent | yaml.MappingStartEvent | yaml.SequenceStartEvent):
            nodes += 1
            if nodes > limits.max_nodes:
                raise UnsafeYamlError(f"more than {limits.max_nodes} values")
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > limits.max_scalar_chars:
            raise UnsafeYamlError(f"a value is longer than {limits.max_scalar_chars} characters")
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > limits.max_depth:
                raise UnsafeYamlError(f"nested deeper than {limits.max_depth} levels")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


def load_limited_yaml(data: bytes, limits: SidecarLimits) -> Any:
    """Parse ``data`` as one YAML document within ``limits``.

    Raises :class:`UnsafeYamlError` for a limit and ``yaml.YAMLError`` for bad syntax.
    """
    if len(data) > limits.max_bytes:
        raise UnsafeYamlError(f"file is larger than {limits.max_bytes} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsafeYamlError("file is not UTF-8 text") from exc
    _check_events(text, limits)
    return yaml.safe_load(text)
