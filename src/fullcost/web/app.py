"""The ASGI app: FastAPI with the API's and the pages' routes, its own static files, security headers on every
response, bounded requests and one-line errors (the CLI's message, HTTP 400 or 404; never a traceback)."""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from fullcost import __version__
from fullcost.errors import InputError
from fullcost.web.layout import error_page
from fullcost.web.names import NotFoundError, TooLargeError
from fullcost.web.work import BusyError

log = logging.getLogger("fullcost.web")
MAX_QUERY_BYTES = 16 * 1024
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "no-referrer", "Cross-Origin-Opener-Policy": "same-origin",
           "Cross-Origin-Resource-Policy": "same-origin",
           "Permissions-Policy": "camera=(), microphone=(), geolocation=()"}
STATIC = {  # name -> (package, folder, media type): the only files the app serves
    "report.css": ("fullcost.report", "assets", "text/css; charset=utf-8"),
    "serve.css": ("fullcost.web", "static", "text/css; charset=utf-8"),
    "serve.js": ("fullcost.web", "static", "text/javascript; charset=utf-8"),
}
DESCRIPTION = ("The JSON API of fullcost serve: each endpoint returns exactly what the command line prints with "
               "--format json for the same arguments (overrides as repeated set=PATH=VALUE).")


def one_line(message: str) -> str:
    return " ".join(str(message).split())


def _error(request: Request, status: int, message: str) -> Response:
    msg = one_line(message)
    if request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": msg}, status_code=status)
    return HTMLResponse(error_page(status, msg), status_code=status)


def create_app() -> FastAPI:
    """The app (``uvicorn fullcost.web.app:create_app --factory``)."""
    from fullcost.web import routes_api, routes_pages

    app = FastAPI(title="fullcost", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json")

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 413 if isinstance(exc, TooLargeError) else 400
        return _error(request, status, str(exc))

    @app.exception_handler(BusyError)
    async def busy(request: Request, exc: BusyError) -> Response:
        return _error(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errs = exc.errors()
        where = ".".join(str(x) for x in errs[0].get("loc", ())[1:]) if errs else ""
        return _error(request, 400, f"{where}: {errs[0].get('msg')}" if errs else "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        msg = "no such page" if exc.status_code == 404 else str(exc.detail)
        return _error(request, exc.status_code, msg)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return _error(request, 500, f"internal error ({type(exc).__name__}); the server keeps serving")

    @app.middleware("http")
    async def bounded(request: Request, call_next: Any) -> Response:
        if len(request.scope.get("query_string", b"")) > MAX_QUERY_BYTES:
            response: Response = _error(request, 414, f"the query string is longer than {MAX_QUERY_BYTES:,} bytes")
        else:
            response = await call_next(request)
        for k, v in HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in STATIC:
            return _error_404()
        pkg, folder, media = STATIC[name]
        body = resources.files(pkg).joinpath(folder, name).read_bytes()
        return Response(body, media_type=media, headers={"Cache-Control": "public, max-age=300"})

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    async def docs() -> HTMLResponse:
        from fullcost.web.docs import docs_page

        return HTMLResponse(docs_page(app.openapi()))

    app.include_router(routes_api.router)
    app.include_router(routes_pages.router)
    return app


def _error_404() -> Response:
    return JSONResponse({"error": "no such file"}, status_code=404)
