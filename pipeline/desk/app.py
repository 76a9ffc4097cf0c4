"""The review desk's web app: one local page per archived recording, for one researcher.

Bound to 127.0.0.1 by the command line. Every URL starts with a random token made at start
(``/<token>/…``): without it, 403. Requests must name this server as their host (no DNS
rebinding). Writes are POSTs with a JSON body, the per-start CSRF token in a header, and an
``Origin`` equal to this server, so another web page in the same browser cannot write. The
client never names a file: recordings are picked from the archive listing by id, and the
few files served have fixed names. Corrections are appended through
:mod:`pipeline.review.records` (atomic, owner-only, audited without content); publishing is
a function the command line passes in (it runs the flow, which ``pipeline`` must not import).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from pipeline.deliver.outbox import media_name
from pipeline.desk.state import (
    Desk,
    DeskFragment,
    NotReviewable,
    desk_row,
    load_desk,
    review_texts,
    reviewable,
)
from pipeline.errors import KijkwijzerError
from pipeline.ingest.layout import DataRoot
from pipeline.report.interview_guide import GUIDE_FILE
from pipeline.report.sheet import TEMPLATES as SHEET_TEMPLATES
from pipeline.report.sheet import load_texts
from pipeline.report.since import format_date
from pipeline.review.records import append_record
from pipeline.settings import Settings
from pipeline.types import ROLES

TEMPLATES = Path(__file__).with_name("templates")
MAX_NOTE = 10_000  # characters of one note or turn text
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
        "media-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
PublishFn = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class DeskConfig:
    """One start of the desk: where, who, its secrets, the hosts it answers to, how to publish."""

    root: DataRoot
    settings: Settings
    who: str
    publish: PublishFn
    hosts: frozenset[str]  # "127.0.0.1:<port>", "localhost:<port>"
    token: str = ""
    csrf: str = ""

    @staticmethod
    def new(root: DataRoot, settings: Settings, who: str, publish: PublishFn, port: int) -> DeskConfig:
        """A config with fresh random tokens for a server on ``port``."""
        return DeskConfig(
            root, settings, who, publish, frozenset({f"127.0.0.1:{port}", f"localhost:{port}"}),
            token=secrets.token_urlsafe(24), csrf=secrets.token_urlsafe(24),
        )  # fmt: skip


class _Guard(BaseHTTPMiddleware):
    """Token, host and (for POST) origin and CSRF checks before any route runs."""

    def __init__(self, app: Any, config: DeskConfig) -> None:
        super().__init__(app)
        self.config = config

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        config = self.config
        host = request.headers.get("host", "")
        prefix = f"/{config.token}/"
        path = request.url.path
        if host not in config.hosts or not secrets.compare_digest(path[: len(prefix)], prefix):
            return _refuse()
        if request.method not in ("GET", "HEAD", "POST"):
            return _refuse(405)
        if request.method == "POST":
            origin = request.headers.get("origin", "")
            site = request.headers.get("sec-fetch-site", "same-origin")
            token = request.headers.get("x-csrf-token", "")
            json_body = request.headers.get("content-type", "").split(";")[0].strip() == "application/json"
            if origin != f"http://{host}" or site != "same-origin" or not json_body:
                return _refuse()
            if not secrets.compare_digest(token, config.csrf):
                return _refuse()
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def _refuse(status: int = 403) -> Response:
    return Response(
        "Geen toegang.\n", status_code=status, media_type="text/plain; charset=utf-8", headers=HEADERS
    )


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([TEMPLATES, SHEET_TEMPLATES]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _asset(folder: Path, name: str) -> Markup:
    return Markup((folder / name).read_text(encoding="utf-8"))


def create_app(config: DeskConfig) -> FastAPI:
    """The ASGI app of one desk start."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(_Guard, config=config)
    base = f"/{config.token}"
    root, settings = config.root, config.settings

    def allowed(recording_id: str) -> str:
        """Only ids from the archive listing; never a path the client made up."""
        for paths in reviewable(root):
            if secrets.compare_digest(paths.recording_id, recording_id):
                return paths.recording_id
        raise HTTPException(404, "onbekende opname")

    def desk(recording_id: str) -> Desk:
        try:
            return load_desk(root, allowed(recording_id), settings)
        except NotReviewable as exc:
            raise HTTPException(409, str(exc)) from exc

    @app.get(base + "/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        texts = review_texts(settings)
        rows = [desk_row(root, paths) for paths in reviewable(root)]
        html = _environment().get_template("review_index.html.j2").render(
            r=texts, rows=rows, date=lambda d: format_date(d, load_texts(settings)),
            css=_asset(SHEET_TEMPLATES, "sheet.css"), own_css=_asset(TEMPLATES, "review.css"),
        )  # fmt: skip
        return HTMLResponse(html)

    @app.get(base + "/r/{recording_id}/", response_class=HTMLResponse)
    def page(recording_id: str) -> HTMLResponse:
        view = desk(recording_id)
        texts = review_texts(settings)
        html = _environment().get_template("review.html.j2").render(
            r=texts, d=view, csrf=config.csrf, roles=ROLES,
            date_line=texts["date_line"].format(date=format_date(view.recorded_on, load_texts(settings))),
            media=media_name(view.media, settings) if view.media else None,
            css=_asset(SHEET_TEMPLATES, "sheet.css"), own_css=_asset(TEMPLATES, "review.css"),
            player_js=_asset(SHEET_TEMPLATES, "sheet.js"), desk_js=_asset(TEMPLATES, "review.js"),
        )  # fmt: skip
        return HTMLResponse(html)

    @app.get(base + "/r/{recording_id}/{name}")
    def file(recording_id: str, name: str) -> Response:
        """The archived recording (for the player), the sheet and the interview guide; nothing else."""
        view = desk(recording_id)
        paths = root.recording(view.recording_id)
        if view.media is not None and name == media_name(view.media, settings):
            return FileResponse(view.media)
        if name in ("sheet.html", GUIDE_FILE) and (paths.out / name).is_file():
            return FileResponse(paths.out / name, media_type="text/html; charset=utf-8")
        raise HTTPException(404, "onbekend bestand")

    @app.post(base + "/r/{recording_id}/corrections")
    async def correct(recording_id: str, request: Request) -> JSONResponse:
        view = desk(recording_id)
        body = await _json(request)
        kind, target, after = body.get("kind"), body.get("target"), body.get("after")
        before, target, after = _checked(view, str(kind), target, after)
        record = append_record(root, view.recording_id, config.who, str(kind), target, before, after)
        return JSONResponse({"id": record.id})

    @app.post(base + "/r/{recording_id}/publish")
    async def publish(recording_id: str, request: Request) -> JSONResponse:
        view = desk(recording_id)
        await _json(request)
        record = append_record(root, view.recording_id, config.who, "publish")
        try:
            report = await run_in_threadpool(
                config.publish, view.recording_id
            )  # minutes; the page stays served
        except KijkwijzerError as exc:  # a failed stage: the page says why, the records stay
            raise HTTPException(500, str(exc)) from exc
        return JSONResponse({"id": record.id, **report, "message": _publish_message(report, settings)})

    return app


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise HTTPException(400, "geen geldige JSON") from exc
    if not isinstance(body, dict):
        raise HTTPException(400, "verwacht een object")
    return body


def _text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_NOTE:
        raise HTTPException(400, "tekst ontbreekt of is te lang")
    return value.strip()


def _fragment(view: Desk, key: Any) -> DeskFragment:
    for item in view.fragments:
        if item.key == key:
            return item
    raise HTTPException(400, "onbekend fragment")


def _checked(view: Desk, kind: str, target: Any, after: Any) -> tuple[Any, str | None, Any]:
    """Validate one correction against the desk; return (before, target, after) to record."""
    turns = {turn.target: turn for turn in view.turns}
    if kind in ("role", "text", "split"):
        turn = turns.get(target)
        if turn is None:
            raise HTTPException(400, "onbekende beurt")
        if kind == "role":
            if after not in ROLES:
                raise HTTPException(400, "onbekende rol")
            return turn.role, target, after
        if kind == "text":
            text = _text(after)
            if not text:
                raise HTTPException(400, "lege tekst")
            return turn.text, target, text
        starts = [word.start_ms for word in turn.words[1:]]
        if after not in starts:
            raise HTTPException(400, "splits alleen vóór een woord van de beurt")
        return turn.text, target, after
    if kind in ("fragment_remove", "fragment_accept"):
        item = _fragment(view, target)
        if not isinstance(after, bool):
            raise HTTPException(400, "verwacht ja of nee")
        return (item.removed if kind == "fragment_remove" else item.accepted), target, after
    if kind == "fragment_bounds":
        item = _fragment(view, target)
        try:
            start, end = float(after["start"]), float(after["end"])
        except (TypeError, KeyError, ValueError) as exc:
            raise HTTPException(400, "verwacht een begin en een einde") from exc
        if start not in {s for s, _ in item.starts} or end not in {e for e, _ in item.ends} or end <= start:
            raise HTTPException(400, "grenzen alleen op beurtgrenzen, einde na begin")
        return {"start": item.start, "end": item.end}, target, {"start": start, "end": end}
    if kind == "fragment_add":
        first, last = (
            turns.get(after.get(k)) if isinstance(after, dict) else None for k in ("first", "last")
        )
        if first is None or last is None or last.end <= first.start:
            raise HTTPException(400, "kies een eerste en een laatste beurt")
        return None, None, {"start": first.start, "end": last.end}
    if kind == "fragment_order":
        keys = [item.key for item in view.fragments]
        position = keys.index(_fragment(view, target).key)
        step = {"up": -1, "down": 1}.get(after)
        if step is None:
            raise HTTPException(400, "verwacht omhoog of omlaag")
        swap = position + step
        if 0 <= swap < len(keys):
            keys[position], keys[swap] = keys[swap], keys[position]
        return [item.key for item in view.fragments], target, keys
    if kind in ("researcher_note", "client_note"):
        item = _fragment(view, target)
        return (item.researcher_note if kind == "researcher_note" else item.client_note), target, _text(after)
    if kind in ("general_note", "client_overall"):
        return (view.general_note if kind == "general_note" else view.client_overall), None, _text(after)
    raise HTTPException(400, "onbekende soort correctie")


def _publish_message(report: dict[str, Any], settings: Settings) -> list[str]:
    texts = review_texts(settings)
    names = texts["stages"]

    def listed(stages: list[str]) -> str:
        return ", ".join(names.get(stage, stage) for stage in stages) or texts["none"]

    return [
        texts["published_held"] if report.get("held") else texts["published_to_outbox"],
        texts["ran"].format(stages=listed(report.get("ran", []))),
        texts["cached"].format(stages=listed(report.get("cached", []))),
    ]
