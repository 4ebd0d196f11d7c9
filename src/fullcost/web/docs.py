"""The API's documentation at ``/docs``, written from the app's OpenAPI description (``/openapi.json``) as a plain
page: FastAPI's default page loads Swagger UI from a CDN, which this app never does."""

from __future__ import annotations

from typing import Any

from fullcost.report.markup import e
from fullcost.web.layout import page
from fullcost.web.state import MAX_SAMPLES, MAX_SET_CHARS, MAX_SETS


def docs_page(spec: dict[str, Any]) -> str:
    out = [f"<p>{e(spec.get('info', {}).get('description', ''))}</p>",
           '<p>The machine-readable description: <a href="/openapi.json">/openapi.json</a> (OpenAPI '
           f"{e(spec.get('openapi', ''))}). Limits: at most {MAX_SAMPLES:,} samples, {MAX_SETS} overrides of at most "
           f"{MAX_SET_CHARS} characters each. Errors: HTTP 400 (bad input) or 404 (no such model or lab) with "
           '<code>{"error": "the one line the command line prints"}</code>; 503 when a request outlasts the time '
           "limit.</p>"]
    for path, ops in sorted(spec.get("paths", {}).items()):
        if not path.startswith("/api/"):
            continue
        for method, op in ops.items():
            out.append(f'<h2 id="{e(op.get("operationId", path))}"><code>{e(method.upper())} {e(path)}</code></h2>')
            out.append(f"<p><b>{e(op.get('summary', ''))}</b></p>")
            if op.get("description"):
                out += [f"<p>{e(p)}</p>" for p in str(op["description"]).split("\n\n")]
            params = op.get("parameters") or []
            if params:
                rows = "".join(
                    f"<tr><td><code>{e(p.get('name'))}</code></td><td>{e(p.get('in'))}</td>"
                    f"<td>{'yes' if p.get('required') else ''}</td><td>{e(p.get('description', ''))}</td></tr>"
                    for p in params)
                out.append('<div class="table-wrap"><table><thead><tr><th>parameter</th><th>in</th>'
                           f"<th>required</th><th>what</th></tr></thead><tbody>{rows}</tbody></table></div>")
    return page("The fullcost API", "".join(out), "fullcost · API")
