"""The result store: stage cache keys and the stage results stored in the archive.

A stage's key is a digest of everything that determines its result:

- the content hash of its inputs (the media's sha256, or the sha256 of each upstream
  stage's ``result.json``), so a re-transcription that yields the same words does not
  re-run the analysis;
- its own settings section, plus the content of any file those settings point to
  (lexicons, templates);
- the identity of its model (e.g. the Whisper model's sha256);
- the version of its code: a digest of its package's source with comments and
  docstrings stripped, so a reformat or a comment never triggers a re-transcription.

Each result lives in ``<cache>/<stage>-<key>/`` (``result.json`` plus the stage's output
files), created under a temporary name and renamed into place, so it is either complete
or absent. The store is the truth; an orchestrator's cache record next to it
(``<stage>-<key>[.<variant>].prefect``) only points at a result folder.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from pipeline.fsutil import atomic_write_json, file_sha256, private_dir
from pipeline.settings import Settings

KEY_CHARS = 24


class StageRef(BaseModel):
    """A finished stage result: what downstream stages receive instead of the data."""

    model_config = ConfigDict(frozen=True)

    stage: str
    key: str
    dir: str  # absolute; on several machines the data root must be mounted at the same path
    sha256: str  # of result.json: the content hash downstream keys are built from

    @property
    def path(self) -> Path:
        """The stage's result folder."""
        return Path(self.dir)


def digest(value: Any) -> str:
    """A short, stable hex digest of JSON-able data."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:KEY_CHARS]


@lru_cache(maxsize=256)
def _memo_sha256(path: Path, size: int, mtime_ns: int) -> str:
    del size, mtime_ns  # part of the memo key only
    return file_sha256(path)


def content_sha256(path: Path) -> str:
    """sha256 of a file, memoised on its size and modification time (a batch hashes it once)."""
    info = path.stat()
    return _memo_sha256(path, info.st_size, info.st_mtime_ns)


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return tree


def _source_digest(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".py":
        data = ast.dump(_strip_docstrings(ast.parse(data))).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


_RACY_S = 2.0  # a file changed this recently may change again within its timestamp's resolution


def _digest_memo_file() -> Path:
    """Per-user memo of source digests (``$XDG_CACHE_HOME/kijkwijzer/source-digests.json``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kijkwijzer" / "source-digests.json"


def _load_digest_memo(path: Path) -> dict[str, list]:
    try:
        memo = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(memo, dict) or memo.get("python") != sys.version:
        return {}  # ast.dump's text may differ between Python versions
    entries = memo.get("files")
    return entries if isinstance(entries, dict) else {}


def _source_digests(files: list[Path]) -> list[str]:
    """The digests of ``files``, from the memo where a file's size and mtime are unchanged.

    Parsing and dumping the AST of every stage module cost about 2 s per command, most of
    a fully cached run. Like Python's own ``.pyc`` check (and git's index), a file whose
    size and modification time are unchanged is taken as unchanged; a file modified in
    the last ``_RACY_S`` seconds is never memoised, so two edits within one timestamp
    tick cannot serve a stale digest.
    """
    memo_file = _digest_memo_file()
    memo = _load_digest_memo(memo_file)
    digests, changed, now = [], False, time.time()
    for path in files:
        info = path.stat()
        stamp = [info.st_size, info.st_mtime_ns]
        entry = memo.get(str(path))
        if isinstance(entry, list) and len(entry) == 3 and entry[:2] == stamp:
            digests.append(entry[2])
            continue
        value = _source_digest(path)
        digests.append(value)
        if now - info.st_mtime_ns / 1e9 > _RACY_S:
            memo[str(path)], changed = [*stamp, value], True
    if changed:
        with contextlib.suppress(OSError):  # a read-only home only costs time
            private_dir(memo_file.parent)
            atomic_write_json(memo_file, {"python": sys.version, "files": memo})
    return digests


_ast_lock = threading.Lock()
_code_versions: dict[tuple[str, ...], str] = {}


def code_version(modules: tuple[str, ...]) -> str:
    """Digest of the source of ``modules`` (packages or single modules) and their data files.

    Computed once per process. Serialised: CPython 3.11's AST conversion is not safe in two
    threads at once ("AST constructor recursion depth mismatch"), and stage tasks compute
    their keys in parallel.
    """
    with _ast_lock:
        if modules not in _code_versions:
            _code_versions[modules] = _source_digest_of(modules)
        return _code_versions[modules]


def forget_code_versions() -> None:
    """Drop the per-process memo (a test that edits source files needs this)."""
    with _ast_lock:
        _code_versions.clear()


def _source_digest_of(modules: tuple[str, ...]) -> str:
    parts = []
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError(f"stage code {name!r} is not installed")
        origin = Path(spec.origin)
        files = (
            sorted(p for p in origin.parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if origin.name == "__init__.py"
            else [origin]
        )
        parts += [(name, str(p.relative_to(origin.parent)), p) for p in files]
    digests = _source_digests([path for _, _, path in parts])
    return digest([(name, rel, value) for (name, rel, _), value in zip(parts, digests, strict=True)])


def _referenced_files(value: Any, settings: Settings) -> Iterable[tuple[str, str]]:
    """Files named in a settings section (lexicons, templates): their content is part of the key."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _referenced_files(item, settings)
    elif isinstance(value, list):
        for item in value:
            yield from _referenced_files(item, settings)
    elif isinstance(value, str) and ("/" in value or value.endswith((".yaml", ".yml", ".json", ".txt"))):
        path = settings.resolve(Path(value))
        if path.is_file():
            yield value, content_sha256(path)


def config_identity(settings: Settings, sections: tuple[str, ...]) -> dict[str, Any]:
    """The settings sections a stage reads, with the content of files they point to."""
    dumped = {name: getattr(settings, name).model_dump(mode="json") for name in sections}
    return {"sections": dumped, "files": sorted(_referenced_files(dumped, settings))}


def stage_dir(cache_dir: Path, stage: str, key: str) -> Path:
    """Where a stage result with this key lives."""
    return cache_dir / f"{stage}-{key}"


def stored_results(cache_dir: Path, stage: str) -> list[Path]:
    """The result folders of ``stage`` kept in ``cache_dir``, whatever their key."""
    return sorted(path for path in cache_dir.glob(f"{stage}-*") if path.is_dir())


def prefect_record(cache_dir: Path, stage: str, key: str, variant: str = "") -> Path:
    """Prefect's cache record for this stage result (its cache key is the path).

    A ``variant`` names a record made while the plain one was stale (its result was
    damaged, gone, or replaced); records of all variants belong to the same result folder.
    """
    return cache_dir / f"{stage}-{key}{'.' + variant if variant else ''}.prefect"


def serving_record(
    cache_dir: Path, stage: str, key: str, recorded_sha256: Callable[[Path], str | None]
) -> Path | None:
    """Which orchestrator record may serve ``key``, judged by the store; None: run, record nothing.

    The plain record serves while it points at what the store holds (``recorded_sha256``
    reads a record's content hash). When the stored result is damaged or gone, no record
    serves and none is written that could outlive it. When the store holds another result
    than the record says (recomputed since), a record named after that content serves.
    """
    plain = prefect_record(cache_dir, stage, key)
    if not plain.exists():
        return plain
    stored = existing_ref(cache_dir, stage, key)
    if stored is None:
        return None
    if recorded_sha256(plain) == stored.sha256:
        return plain
    variant = prefect_record(cache_dir, stage, key, stored.sha256[:12])
    return None if variant.exists() and recorded_sha256(variant) != stored.sha256 else variant


def _folder_of(entry: Path) -> str:
    """The result folder a store entry belongs to (itself, or the folder a record points at)."""
    return entry.name.split(".", 1)[0]


@lru_cache(maxsize=1024)
def _parses(path: Path, size: int, mtime_ns: int) -> bool:
    del size, mtime_ns  # part of the memo key only
    try:
        json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def result_is_valid(result: Path) -> bool:
    """Whether a stored ``result.json`` is complete JSON (a damaged one is recomputed, not used)."""
    try:
        info = result.stat()
    except FileNotFoundError:
        return False
    return info.st_size > 0 and _parses(result, info.st_size, info.st_mtime_ns)


def existing_ref(cache_dir: Path, stage: str, key: str) -> StageRef | None:
    """The stored result for ``key``, if complete and readable."""
    folder = stage_dir(cache_dir, stage, key)
    result = folder / "result.json"
    if not result.is_file() or not result_is_valid(result):
        return None
    return StageRef(stage=stage, key=key, dir=str(folder), sha256=content_sha256(result))


def cache_problems(cache_dir: Path) -> list[str]:
    """Damaged stage results and cache records whose result folder is gone (for ``status``).

    Read-only; ``reprocess`` recomputes what is listed here.
    """
    if not cache_dir.is_dir():
        return []
    problems = []
    for entry in sorted(cache_dir.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not result_is_valid(entry / "result.json"):
            problems.append(f"{entry.name.split('-')[0]}: result damaged")
        elif entry.suffix == ".prefect" and not (cache_dir / _folder_of(entry)).is_dir():
            problems.append(f"{entry.stem.split('-')[0]}: result folder missing")
    return problems


def publish_dir(work: Path, final: Path) -> None:
    """Rename a finished temporary result folder into place (first writer wins)."""
    for path in work.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    try:
        os.rename(work, final)
    except OSError:
        if not (final / "result.json").is_file():
            raise
        shutil.rmtree(work)  # another worker finished the same key first; same content


def new_work_dir(cache_dir: Path, stage: str) -> Path:
    """A private temporary folder next to the final one (same file system for the rename)."""
    private_dir(cache_dir)
    return Path(tempfile.mkdtemp(prefix=f".{stage}-", suffix=".tmp", dir=cache_dir))


def prune(cache_dir: Path, keep: set[str]) -> None:
    """Remove results and records not in ``keep`` (folder names), plus leftovers of crashes.

    Stale results are derived personal data that no output refers to any more, and
    Prefect stores the exception of each failed attempt under a random name here.
    """
    if not cache_dir.is_dir():
        return
    for entry in cache_dir.iterdir():
        if entry.name in keep or (not entry.name.startswith(".") and _folder_of(entry) in keep):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def keep_only(cache_dir: Path, refs: Iterable[StageRef], also: frozenset[str] = frozenset()) -> None:
    """Prune everything but these results (and their records) and the entries named in ``also``."""
    prune(cache_dir, {stage_dir(cache_dir, ref.stage, ref.key).name for ref in refs} | also)
