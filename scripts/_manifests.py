"""Helpers shared by the manifest scripts (render_manifests.py, validate_manifests.py, check_dockerfile.py).

They need PyYAML (and the validator jsonschema and kubernetes-validate). `ensure_tools()` re-runs the
calling script with .venv-tools/bin/python (made by scripts/manifest-tools.sh) when the interpreter it was
started with lacks them, so `python3 scripts/render_manifests.py ...` works as well as the venv's python.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOOLS_PYTHON = REPO / ".venv-tools" / "bin" / "python"


def ensure_tools(*modules: str) -> None:
    missing = []
    for module in modules:
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if not missing:
        return
    venv = Path(sys.prefix).resolve()
    if TOOLS_PYTHON.exists() and venv != (REPO / ".venv-tools").resolve():
        os.execv(str(TOOLS_PYTHON), [str(TOOLS_PYTHON), *sys.argv])
    sys.exit(
        f"{Path(sys.argv[0]).name}: missing Python modules {', '.join(missing)}: "
        "run `bash scripts/manifest-tools.sh` (it installs them into .venv-tools)"
    )
