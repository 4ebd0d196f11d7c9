"""The web app under the ASGI test client, and the CLI beside it for the same arguments."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web app's packages are not installed (pip install 'fullcost[serve]')")


@pytest.fixture(scope="session")
def client():
    import warnings

    with warnings.catch_warnings():  # starlette asks for httpx2 in place of httpx; either works
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    from fullcost.web.app import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c
