"""The JSON API: each endpoint returns exactly what the CLI prints with ``--format json`` for the same arguments;
``/api/page`` and ``/api/control`` serve the pages' script (a model's sections redrawn, one more control)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from fullcost.errors import InputError
from fullcost.web import state, work
from fullcost.web.names import NotFoundError
from fullcost.web.state import API_SAMPLES, PAGE_SAMPLES
from fullcost.web.work import Source

router = APIRouter(prefix="/api")

Sets = Annotated[list[str], Query(alias="set", description="PATH=VALUE, repeatable: as --set (a scenario path or a "
                                                           "catalog input; VALUE in the scenario grammar)")]
Samples = Annotated[str | None, Query(description=f"Monte Carlo samples (default {API_SAMPLES:,}, the CLI's; at "
                                                  f"most {state.MAX_SAMPLES:,}; 100K accepted)")]
Seed = Annotated[str | None, Query(description="random seed (default 0)")]
Dollars = Annotated[str | None, Query(description="constant dollars of YEAR or YYYY-MM (default nominal)")]


def params(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in request.query_params.multi_items():
        out.setdefault(k, []).append(v)
    return out


def _json(text: str) -> Response:
    return Response(text, media_type="application/json")


@router.get("/estimate/{name:path}", summary="fullcost estimate NAME --format json")
async def estimate(request: Request, name: str, set: Sets = [], samples: Samples = None,  # noqa: B006
                   seed: Seed = None, dollars: Dollars = None) -> Response:
    """A catalog model (NAME or NAME@VARIANT): the headline, the final run, the development cost, the lab's year,
    the bridge, the footnotes and the tornado; byte for byte the CLI's output for the same arguments."""
    st = state.read(params(request), API_SAMPLES)
    v = await work.call(work.model_view, Source("model", name), st)
    return _json(v.text)


@router.get("/compare", summary="fullcost compare A B ... --format json")
async def compare(request: Request, m: Annotated[list[str], Query(description="a model, repeatable (2 to 6)")] = [],  # noqa: B006
                  set: Annotated[list[str], Query(alias="set", description="[MODEL:]PATH=VALUE, repeatable")] = [],  # noqa: B006
                  samples: Samples = None, seed: Seed = None, dollars: Dollars = None) -> Response:
    """Several models side by side; an override applies to every model, or to one as MODEL:PATH=VALUE."""
    p = params(request)
    st = state.read(p, API_SAMPLES)
    return _json(await work.call(work.compare_json, state.models(p), st))


@router.get("/statements/{lab}", summary="fullcost statements LAB --format json")
async def statements(request: Request, lab: str, set: Sets = [], samples: Samples = None,  # noqa: B006
                     seed: Seed = None, year: Annotated[str | None, Query(description="one year only")] = None
                     ) -> Response:
    """A catalog lab's income statement, adjusted-EBITDA reconciliation, balance sheet and cash flow."""
    st = state.read(params(request), API_SAMPLES)
    y = None
    if year is not None:
        if not year.strip().isdigit() or len(year.strip()) > 4:
            raise InputError(f"year: expected a year, got '{year[:20]}'")
        y = int(year)
    return _json(await work.call(work.statements_json, lab, st, y))


@router.get("/models", summary="fullcost models --format json")
async def models() -> Response:
    """The models of the built-in catalog with their sourced facts."""
    return _json(await work.call(work.models_json))


@router.post("/upload", summary="upload a scenario (YAML in the body)")
async def upload(request: Request) -> JSONResponse:
    """The body is a scenario file (at most 64 KB); the answer names its page, ``/u/ID``."""
    from fullcost.web.routes_pages import read_body

    raw = await read_body(request)
    uid = await work.call(_save, raw)
    return JSONResponse({"id": uid, "page": f"/u/{uid}"})


def _save(raw: bytes) -> str:
    from fullcost.web.names import save_upload

    return save_upload(raw)


# --- for the pages' script ----------------------------------------------------------------------------------------

def _fragment(src: Source, st: state.State) -> dict[str, str]:
    from fullcost.web.pages import model_fragment

    v = work.model_view(src, st)
    return {"html": model_fragment(v), "query": st.query()}


@router.get("/page/m/{name:path}", summary="a model page's sections for a state (the page's script)")
async def page_model(request: Request, name: str, set: Sets = [], samples: Samples = None,  # noqa: B006
                     seed: Seed = None, dollars: Dollars = None) -> JSONResponse:
    """The sections a change redraws, as HTML (``html``), and the state's query string (``query``); samples
    default to 100,000 as on the page."""
    st = state.read(params(request), PAGE_SAMPLES)
    return JSONResponse(await work.call(_fragment, Source("model", name), st))


@router.get("/page/u/{uid}", summary="an uploaded scenario's sections for a state")
async def page_upload(request: Request, uid: str, set: Sets = [], samples: Samples = None,  # noqa: B006
                      seed: Seed = None, dollars: Dollars = None) -> JSONResponse:
    st = state.read(params(request), PAGE_SAMPLES)
    return JSONResponse(await work.call(_fragment, Source("upload", uid), st))


def _control(src: Source, path: str, index: int) -> dict[str, str]:
    from fullcost.web.controls import control

    base = work.baseline(src)
    a = base.inputs.get(path)
    if a is None:
        raise NotFoundError(f"no input named '{path[:100]}' in this scenario (see its assumptions table)")
    return {"html": control(a, path, a.label, None, index)}


@router.get("/control/m/{name:path}", summary="one more control on a model page")
async def control_model(name: str, input: Annotated[str, Query(description="an input's name")],
                        i: Annotated[int, Query(ge=0, le=9999)] = 0) -> JSONResponse:
    """The control of any input of the model (its slider spans the input's 90% range), as HTML."""
    return JSONResponse(await work.call(_control, Source("model", name), input, i))


@router.get("/control/u/{uid}", summary="one more control on an upload's page")
async def control_upload(uid: str, input: Annotated[str, Query(description="an input's name")],
                         i: Annotated[int, Query(ge=0, le=9999)] = 0) -> JSONResponse:
    return JSONResponse(await work.call(_control, Source("upload", uid), input, i))


def _lab_fragment(lab: str, st: state.State) -> dict[str, str]:
    from fullcost.web.lab import lab_fragment

    return {"html": lab_fragment(work.lab_view(lab, st)), "query": st.query()}


@router.get("/page/lab/{lab}", summary="a lab page's sections for a state (the page's script)")
async def page_lab(request: Request, lab: str, set: Sets = [], samples: Samples = None,  # noqa: B006
                   seed: Seed = None) -> JSONResponse:
    """The sections a change redraws (statements, reconciliation, tornados, inputs) as HTML (``html``), and the
    state's query string (``query``); samples default to 10,000 as on the page and in the CLI."""
    st = state.read(params(request), API_SAMPLES)
    return JSONResponse(await work.call(_lab_fragment, lab, st))


def _lab_control(lab: str, path: str, index: int) -> dict[str, str]:
    from fullcost.web.controls import control

    base = work.lab_baseline(lab)
    a = base.inputs.get(path)
    if a is None:
        raise NotFoundError(f"no input named '{path[:100]}' in this lab (see its inputs table)")
    if path not in base.settable:
        raise InputError(f"'{path[:100]}' is an input of a release's program named by a catalog model or a file: "
                         "change it on that model's page")
    return {"html": control(a, path, a.label, None, index)}


@router.get("/control/lab/{lab}", summary="one more control on a lab page")
async def control_lab(lab: str, input: Annotated[str, Query(description="an input's name (its --set path)")],
                      i: Annotated[int, Query(ge=0, le=9999)] = 0) -> JSONResponse:
    """The control of any input of the lab that --set reaches (its slider spans the input's 90% range), as HTML."""
    return JSONResponse(await work.call(_lab_control, lab, input, i))
