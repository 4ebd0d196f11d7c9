"""``fullcost serve``: the interactive web app over the catalog and uploaded scenarios.

Pages (a model with its iceberg, bridge, distribution and tornado and controls that recompute it; a comparison; a
lab's statements; the catalog; an uploaded scenario) and a JSON API that returns exactly what the CLI prints with
``--format json``. The state of a page lives in its URL (``set=PATH=VALUE``, ``samples``, ``seed``, ``dollars``), so
a copied link reproduces it and any worker answers any request. This package only formats: every figure comes from
``fullcost.api`` and the report's renderers (``fullcost.report``); its script and styles are served by the app
itself (no CDN, no inline script).

Modules: ``state`` (the query string, bounded), ``names`` (catalog names and uploads; nothing else reaches the
filesystem), ``work`` (runs in worker threads with a time limit, a small cache), ``layout``, ``pages`` and ``lab``
(HTML), ``controls`` (the sliders and fields), ``downloads``, ``docs`` (the offline API docs), ``app`` (the ASGI app).
"""

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":
        from fullcost.web.app import create_app

        return create_app
    raise AttributeError(name)
