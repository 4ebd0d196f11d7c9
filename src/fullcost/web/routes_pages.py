"""The pages' routes: the catalog, a model, an upload, a comparison, a lab, the upload form, and the downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fullcost.errors import InputError
from fullcost.web import names, state, work
from fullcost.web.names import MAX_UPLOAD_BYTES, TooLargeError
from fullcost.web.routes_api import params
from fullcost.web.work import Source

router = APIRouter(include_in_schema=False)
MAX_BODY = MAX_UPLOAD_BYTES + 8 * 1024  # the file and a multipart envelope


async def read_body(request: Request) -> bytes:
    """The request's body, refused (413) as soon as it passes the cap: never held whole, never written."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        raise TooLargeError(f"the upload is {int(length):,} bytes; at most {MAX_UPLOAD_BYTES:,} are accepted")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise TooLargeError(f"the upload is over {MAX_UPLOAD_BYTES:,} bytes, the most accepted")
    return bytes(body)


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status)


@router.get("/")
async def index(request: Request) -> HTMLResponse:
    from fullcost.web.catalog_page import catalog_page, select

    rows = await work.call(work.catalog_rows)
    shown, q = select(rows, params(request))
    return _html(catalog_page(shown, q, len(rows)))


@router.get("/models.csv")
async def models_csv(request: Request) -> Response:
    from fullcost.web.catalog_page import catalog_csv, select

    rows = await work.call(work.catalog_rows)
    shown, _ = select(rows, params(request))
    return Response(catalog_csv(shown), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="fullcost-models.csv"'})


def _model_page(src: Source, st: state.State, path: str) -> str:
    from fullcost.web.pages import model_page

    base = work.baseline(src)
    return model_page(work.model_view(src, st), base, path)


@router.get("/m/{name:path}")
async def model(request: Request, name: str) -> HTMLResponse:
    st = state.read(params(request))
    return _html(await work.call(_model_page, Source("model", name), st, f"/m/{name}"))


@router.get("/u/{uid}")
async def uploaded(request: Request, uid: str) -> HTMLResponse:
    st = state.read(params(request))
    return _html(await work.call(_model_page, Source("upload", uid), st, f"/u/{uid}"))


def _compare(models: list[str], st: state.State) -> str:
    from fullcost.overrides import for_model, parse_all
    from fullcost.web.pages import compare_page

    for m in models:
        names.model_ref(m)
    given = parse_all(st.sets, models)  # MODEL: prefixes checked; each model's run checks its own overrides
    views = [work.model_view(Source("model", m), state.State(tuple(str(o) for o in for_model(given, m)),
                                                             st.samples, st.seed, st.dollars)) for m in models]
    return compare_page(views, models, st)


@router.get("/compare")
async def compare(request: Request) -> HTMLResponse:
    p = params(request)
    st = state.read(p, state.API_SAMPLES)
    return _html(await work.call(_compare, state.models(p), st))


def _lab_page(name: str, st: state.State) -> str:
    from fullcost.web.lab import lab_page

    base = work.lab_baseline(name)
    return lab_page(work.lab_view(name, st), base)


@router.get("/lab/{name}")
async def lab(request: Request, name: str) -> HTMLResponse:
    st = state.read(params(request), state.API_SAMPLES)
    return _html(await work.call(_lab_page, name, st))


@router.get("/upload")
async def upload_form() -> HTMLResponse:
    from fullcost.web.pages import upload_page

    return _html(upload_page())


@router.post("/upload")
async def upload(request: Request) -> Response:
    from starlette.requests import Request as Plain

    from fullcost.web.names import save_upload
    from fullcost.web.pages import upload_page

    try:
        raw = await read_body(request)
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            sent = False

            async def replay() -> dict[str, Any]:
                nonlocal sent
                if sent:
                    return {"type": "http.disconnect"}
                sent = True
                return {"type": "http.request", "body": raw, "more_body": False}

            form = await Plain(request.scope, replay).form(max_files=1, max_fields=4)
            f = form.get("file")
            if f is None or isinstance(f, str):
                raise InputError("choose a scenario file to upload")
            raw = await f.read()
            await form.close()
        uid = await work.call(save_upload, raw)
    except TooLargeError as e:
        return _html(upload_page(str(e)), 413)
    except InputError as e:
        return _html(upload_page(" ".join(str(e).split())), 400)
    return RedirectResponse(f"/u/{uid}", status_code=303)


DOWNLOADS = {"scenario.yaml": "application/yaml", "report.html": "text/html; charset=utf-8",
             "workbook.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "estimate.json": "application/json"}


def _download(what: str, src: Source, st: state.State) -> bytes:
    from fullcost.web import downloads

    today = dt.date.today().isoformat()
    if what == "scenario.yaml":
        work.model_view(src, st)  # the same checks as the page (overrides valid and used)
        return downloads.scenario_yaml(src, st).encode("utf-8")
    if what == "report.html":
        return downloads.report_html(src, st, today)
    if what == "workbook.xlsx":
        return downloads.workbook(src, st, today)
    return work.model_view(src, st).text.encode("utf-8")


async def _send(what: str, src: Source, request: Request) -> Response:
    from fullcost.web.downloads import filename
    from fullcost.web.names import NotFoundError

    if what not in DOWNLOADS:
        raise NotFoundError(f"no download '{what[:40]}' (downloads: {', '.join(DOWNLOADS)})")
    st = state.read(params(request))
    body = await work.call(_download, what, src, st)
    name = filename(src, {"scenario.yaml": ".yaml", "report.html": "-report.html", "workbook.xlsx": ".xlsx",
                          "estimate.json": ".json"}[what])
    return Response(body, media_type=DOWNLOADS[what],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/download/{what}/m/{name:path}")
async def download_model(request: Request, what: str, name: str) -> Response:
    return await _send(what, Source("model", name), request)


@router.get("/download/{what}/u/{uid}")
async def download_upload(request: Request, what: str, uid: str) -> Response:
    return await _send(what, Source("upload", uid), request)
