"""The example notebook in docs/examples runs from top to bottom (on a Jupyter kernel, as a reader would run it)."""

from __future__ import annotations

import pytest

from .conftest import ROOT

NOTEBOOK = ROOT / "docs" / "examples" / "what-if.ipynb"


def test_the_example_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="the notebook test needs the dev extra (nbformat)")
    nbclient = pytest.importorskip("nbclient", reason="the notebook test needs the dev extra (nbclient, ipykernel)")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs) + "".join(
        str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "5576000.0" in text and "higher pay adds $" in text and "deepseek-v3-more-annotation" in text
