#!/usr/bin/env python3
"""Renders an overlay of the Knative or KEDA manifests with a real kustomize (`kubectl kustomize`).

usage: render_manifests.py VARIANT ENV [--function FN] [--json]

  VARIANT   knative | keda (the directory at the repository root)
  ENV       an overlay under VARIANT/overlays (dev, staging, prod)
  --function FN   keep only the objects labelled app.kubernetes.io/name=FN (one function's objects,
                  without the shared platform objects)
  --json    print a JSON array of the objects instead of YAML

Used by `make deploy` (scripts/deploy.sh), scripts/validate_manifests.py's callers, scripts/checkov.sh,
scripts/check_dockerfile.py and the Rust tests. The YAML printed is kustomize's own text for each kept
object, unchanged. Errors are one readable line on stderr (exit 2 for a bad argument, 1 when kustomize
fails).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the work tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _manifests import REPO, ensure_tools  # noqa: E402

ensure_tools("yaml")

import yaml  # noqa: E402

VARIANTS = ("knative", "keda")
NAME_LABEL = "app.kubernetes.io/name"
PROG = "render_manifests"


class RenderError(Exception):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def overlays(variant: str) -> list[str]:
    base = REPO / variant / "overlays"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and any((p / f).exists() for f in ("kustomization.yaml", "kustomization.yml", "Kustomization")))


def kustomize(directory: Path) -> str:
    kubectl = os.environ.get("KUBECTL", "kubectl")
    try:
        result = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True, text=True)
    except FileNotFoundError:
        raise RenderError(f"{PROG}: '{kubectl}' not found: run `bash scripts/manifest-tools.sh` (it installs kubectl)")
    if result.returncode != 0:
        detail = result.stderr.strip() or f"exit code {result.returncode}"
        # kubectl logs through klog: `E1203 12:00:48.002041  734 run.go:72] "command failed" err="..."`
        match = re.search(r'"command failed" err="(.*)"\s*$', detail, re.S)
        if match:
            detail = match.group(1).replace('\\"', '"')
        raise RenderError(f"{PROG}: kubectl kustomize {directory.relative_to(REPO)} failed: {detail}")
    return result.stdout


def split_documents(text: str) -> list[tuple[str, dict]]:
    """kustomize's output split into (text, object) pairs; its separators are `---` lines at column 0."""
    out = []
    for chunk in re.split(r"(?m)^---[ \t]*\n", text):
        if not chunk.strip():
            continue
        obj = yaml.load(chunk, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if obj is None:
            continue
        if not chunk.endswith("\n"):
            chunk += "\n"
        out.append((chunk, obj))
    return out


def function_of(obj: dict) -> str | None:
    labels = ((obj.get("metadata") or {}).get("labels")) or {}
    return labels.get(NAME_LABEL)


def render(variant: str, env: str, function: str | None = None) -> list[tuple[str, dict]]:
    """The objects of VARIANT/overlays/ENV (of one function when given), as (yaml text, object) pairs."""
    if variant not in VARIANTS:
        raise RenderError(f"{PROG}: unknown variant '{variant}': expected one of {', '.join(VARIANTS)}", 2)
    if not (REPO / variant).is_dir():
        raise RenderError(f"{PROG}: {variant}/ does not exist in {REPO}", 2)
    envs = overlays(variant)
    if env not in envs:
        known = ", ".join(envs) if envs else "none"
        raise RenderError(f"{PROG}: unknown environment '{env}' for {variant}: valid environments: {known}", 2)
    documents = split_documents(kustomize(REPO / variant / "overlays" / env))
    if function is None:
        return documents
    kept = [(text, obj) for text, obj in documents if function_of(obj) == function]
    if not kept:
        known = sorted({f for _, obj in documents if (f := function_of(obj))})
        raise RenderError(
            f"{PROG}: no objects labelled {NAME_LABEL}={function} in {variant}/overlays/{env}: "
            f"known functions: {', '.join(known) if known else 'none'}",
            2,
        )
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="render_manifests.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("variant", metavar="VARIANT", help="knative | keda")
    parser.add_argument("env", metavar="ENV", help="an overlay: dev, staging, prod")
    parser.add_argument("--function", "-f", metavar="FN", help=f"only the objects labelled {NAME_LABEL}=FN")
    parser.add_argument("--json", action="store_true", help="print a JSON array instead of YAML")
    args = parser.parse_args(argv)
    try:
        documents = render(args.variant, args.env, args.function)
    except RenderError as e:
        print(e, file=sys.stderr)
        return e.code
    except yaml.YAMLError as e:
        print(f"{PROG}: kustomize printed YAML that does not parse: {e}", file=sys.stderr)
        return 1
    try:
        if args.json:
            json.dump([obj for _, obj in documents], sys.stdout, indent=2, default=str)
            sys.stdout.write("\n")
        else:
            sys.stdout.write("---\n".join(text for text, _ in documents))
        sys.stdout.flush()
    except BrokenPipeError:
        # `render_manifests.py ... | head`: not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
