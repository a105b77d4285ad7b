"""`import policyqa` stays light: no plotting, no schema validation, no notebook machinery.

Each check runs in a fresh interpreter, since this test process has long since imported pandas,
pandera and friends. Import time itself is measured by `make bench`, not asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# top-level packages that `import policyqa` must not pull in
HEAVY = (
    "matplotlib",
    "pandera",
    "IPython",
    "ipykernel",
    "ipywidgets",
    "jupyter_client",
    "jupyter_core",
    "jupyter_server",
    "jupyterlab",
    "nbformat",
    "nbclient",
    "nbconvert",
    "papermill",
    "notebook",
    "zmq",
)


def modules_after(code: str, cwd) -> set[str]:
    """Top-level names in sys.modules after running `code` in a fresh interpreter."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    env = {**os.environ, "POLICYQA_CACHE": "off"}
    env.pop("MPLBACKEND", None)
    out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("code", [
    "import policyqa",
    "from policyqa import read_corpus, read_chapter, PolicyqaError",
    "import policyqa.api",
])
def test_import_loads_no_plotting_validation_or_notebook_machinery(code, tmp_path):
    loaded = modules_after(code, tmp_path)
    assert "policyqa" in loaded
    heavy = sorted(loaded & set(HEAVY))
    assert not heavy, f"`{code}` loads {heavy}"


def test_import_policyqa_does_not_load_pandas(tmp_path):
    """The package promises pandas loads only when a function needs it."""
    loaded = modules_after("import policyqa", tmp_path)
    assert "pandas" not in loaded


def test_the_check_sees_what_a_function_loads(tmp_path):
    """Control: the probe does see modules loaded on demand (so the tests above are not vacuous)."""
    from pathlib import Path

    chapter = Path(__file__).resolve().parents[1] / "data" / "raw" / "eu.txt"
    loaded = modules_after(f"import policyqa\npolicyqa.read_chapter({str(chapter)!r}, cache=False)", tmp_path)
    assert {"pandas", "pandera"} <= loaded
