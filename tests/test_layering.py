"""Import rules that keep each thing in one home (read from the source, nothing imported).

- no ``pipeline`` module imports Prefect or ``flows`` (the library runs without an orchestrator);
- ``flows`` holds only modules that import Prefect, or the runtime that serves it;
- the analysis imports no audio, transcription or diarisation code (it reads the conversation);
- no stage imports a later stage: packages are ordered as the data flows through them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The pipeline's packages in the order the data flows through them. A package may import
# the ones before it, never the ones after. The shared base (settings, types, errors,
# fsutil, formats, nlp, loopback) and the engine (pipeline.stages, which puts the stages in order)
# stand outside this order.
ORDER = (
    "ingest", "review", "audio", "transcribe", "diarize", "roles", "align", "analysis", "fragments",
    "intentions", "privacy", "report", "deliver", "retention", "desk",
)  # fmt: skip
BASE = {
    "__init__",
    "settings",
    "types",
    "errors",
    "fsutil",
    "formats",
    "nlp",
    "stages",
    "prepare",
    "loopback",
}


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(package: str) -> dict[str, set[str]]:
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): _imports(path)
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _package(module: str) -> str:
    return module.split(".")[1]


def test_the_library_never_imports_the_orchestrator() -> None:
    offenders = [
        (module, name)
        for module, names in _modules("pipeline").items()
        for name in names
        if name.split(".")[0] in ("prefect", "flows", "prefect_dask")
    ]
    assert offenders == []


def test_flows_hold_only_prefect_code() -> None:
    for module, names in _modules("flows").items():
        if module.startswith("flows.runtime") or module.endswith("__init__"):
            continue
        assert any(name.split(".")[0] in ("prefect", "prefect_dask") for name in names), module


def test_analysis_reads_the_conversation_not_the_audio() -> None:
    offenders = [
        (module, name)
        for module, names in _modules("pipeline/analysis").items()
        for name in names
        if name.startswith(("pipeline.audio", "pipeline.transcribe", "pipeline.diarize"))
    ]
    assert offenders == []


def test_no_stage_imports_a_later_stage() -> None:
    packages = {_package(module) for module in _modules("pipeline") if module.count(".") >= 1}
    assert packages <= set(ORDER) | BASE, f"place new packages in ORDER: {packages - set(ORDER) - BASE}"
    offenders = []
    for module, names in _modules("pipeline").items():
        own = _package(module) if module.count(".") >= 1 else None
        if own not in ORDER:
            continue
        for name in names:
            later = name.startswith("pipeline.") and _package(name) in ORDER
            if later and ORDER.index(_package(name)) > ORDER.index(own):
                offenders.append((module, name))
    assert offenders == []


def test_the_rules_see_a_wrong_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from pipeline.report.sheet import write_sheet\n", encoding="utf-8")
    assert "pipeline.report.sheet" in _imports(probe)  # imports inside functions count too
