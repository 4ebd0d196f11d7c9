"""The frame every page shares: head (the app's own styles and script, nothing inline), the navigation bar, the
footer, and the page an error gets."""

from __future__ import annotations

from fullcost import __version__
from fullcost.report.markup import e, page_head

NAV = (("/", "Models"), ("/compare?m=deepseek-v3&m=llama-3.1-405b", "Compare"), ("/lab/deepseek", "Lab"),
       ("/upload", "Upload a scenario"), ("/docs", "API"))


def page(title: str, body: str, kicker: str = "fullcost") -> str:
    """A whole page. ``body`` is HTML already escaped by its makers; ``title`` and ``kicker`` are text."""
    nav = " ".join(f'<a href="{e(href)}">{e(label)}</a>' for href, label in NAV)
    return (
        page_head(title)
        + '<link rel="stylesheet" href="/static/report.css"><link rel="stylesheet" href="/static/serve.css">'
        '<link rel="icon" href="data:,">'
        '<script src="/static/serve.js" defer></script></head>'
        f'<body><nav class="appbar" aria-label="fullcost">{nav}</nav><main>'
        f'<header class="masthead"><p class="kicker">{e(kicker)}</p><h1>{e(title)}</h1></header>'
        f"{body}</main>"
        f'<footer class="appfoot"><p>fullcost {e(__version__)} · every figure from the same engine as the command '
        "line; the page's state is its URL, so a copied link gives the same numbers.</p></footer>"
        "</body></html>\n"
    )


def error_page(status: int, message: str) -> str:
    what = {400: "That request cannot be answered", 404: "Not found", 413: "Too large",
            503: "Busy: try again in a moment"}.get(status, "Error")
    return page(what, f'<p class="error" role="alert">{e(message)}</p><p><a href="/">Back to the models</a></p>',
                f"error {status}")
