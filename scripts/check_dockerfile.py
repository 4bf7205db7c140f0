#!/usr/bin/env python3
"""Checks, without building, that the Dockerfile builds the binaries the manifests run.

usage: check_dockerfile.py [--dockerfile Dockerfile] [--variant knative|keda ...] [--env dev]

  - the Dockerfile's FN set (ARG FUNCTIONS of the builder stage) is exactly the set of function binaries
    of the Cargo workspace (functions/*/Cargo.toml: [[bin]] names, else the package name when
    src/main.rs exists), and each is built with `cargo build ... -p "${FN}" --bin "${FN}"`, so every
    function's package name must equal its binary name;
  - it is exactly the set of containers the rendered manifests run (render_manifests.py --json), each
    container named after its image (`.../evolution-of-todo/<fn>[:tag]`), without a `command` that would
    replace the image's entrypoint, listening on the port the image EXPOSEs;
  - the ARG FN default is one of them;
  - the final stage runs as a non-root user (USER with a non-zero uid, or `nonroot`), and, when the
    manifests set runAsUser, as that uid.
Exit 1 with one readable line per problem; 0 with a one-line summary.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the work tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _manifests import REPO  # noqa: E402

WORKLOAD_KINDS = {
    ("serving.knative.dev", "Service"): ("spec", "template", "spec"),
    ("apps", "Deployment"): ("spec", "template", "spec"),
    ("apps", "StatefulSet"): ("spec", "template", "spec"),
    ("batch", "Job"): ("spec", "template", "spec"),
    ("", "Pod"): ("spec",),
}
IMAGE_PREFIX = "evolution-of-todo/"


# ---------------------------------------------------------------------------------------------
# Dockerfile


def dockerfile_instructions(text: str) -> list[tuple[int, str, str]]:
    """(line number, INSTRUCTION, arguments), with continuation lines joined and comments dropped."""
    out: list[tuple[int, str, str]] = []
    buffer, start = "", 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue
        if not buffer:
            start = number
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        buffer += stripped
        instruction, _, args = buffer.partition(" ")
        out.append((start, instruction.upper(), args.strip()))
        buffer = ""
    if buffer:
        instruction, _, args = buffer.partition(" ")
        out.append((start, instruction.upper(), args.strip()))
    return out


def arg_value(args: str) -> tuple[str, str | None]:
    name, eq, value = args.partition("=")
    if not eq:
        return name.strip(), None
    value = value.strip()
    try:
        parts = shlex.split(value)
        value = parts[0] if len(parts) == 1 else value
    except ValueError:
        pass
    return name.strip(), value


def check_dockerfile(path: Path, problems: list[str]) -> dict:
    info: dict = {"functions": None, "fn_default": None, "user": None, "expose": set(), "stages": 0}
    if not path.is_file():
        problems.append(f"{path}: not found")
        return info
    instructions = dockerfile_instructions(path.read_text(encoding="utf-8"))
    stages: list[list[tuple[int, str, str]]] = []
    for item in instructions:
        if item[1] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(item)
    info["stages"] = len(stages)
    if len(stages) < 2:
        problems.append(f"{path.name}: expected a multi-stage build (a builder stage and a final stage), found {len(stages)} stage(s)")
    if not stages:
        return info
    name = path.name

    # The FN set and the build command, in whichever stage builds.
    build_ok = False
    for stage in stages[:-1] or stages:
        for number, instruction, args in stage:
            if instruction == "ARG":
                key, value = arg_value(args)
                if key == "FUNCTIONS" and value is not None:
                    info["functions"] = value.split()
                if key == "FN" and value is not None:
                    info["fn_default"] = value
            if instruction == "RUN" and "cargo build" in args:
                if re.search(r'-p\s+"?\$\{?FN\}?"?', args) and re.search(r'--bin\s+"?\$\{?FN\}?"?', args):
                    build_ok = True
    if info["functions"] is None:
        problems.append(f'{name}: no `ARG FUNCTIONS="..."` in the builder stage: the set of functions FN may name')
    if not build_ok:
        problems.append(f'{name}: the builder stage has no `cargo build ... -p "${{FN}}" --bin "${{FN}}"`')
    if info["fn_default"] is None:
        problems.append(f"{name}: no default for ARG FN")
    elif info["functions"] is not None and info["fn_default"] not in info["functions"]:
        problems.append(f"{name}: ARG FN default '{info['fn_default']}' is not in FUNCTIONS ({' '.join(info['functions'])})")

    # The final stage.
    final = stages[-1]
    users = [args for _, instruction, args in final if instruction == "USER"]
    if not users:
        problems.append(f"{name}: the final stage has no USER instruction: the image would run as its base image's user (root unless the base sets one)")
    else:
        user = users[-1].split(":")[0].strip()
        info["user"] = user
        if user in ("0", "root", ""):
            problems.append(f"{name}: the final stage runs as root (USER {users[-1]})")
        elif not (user.isdigit() or user == "nonroot"):
            problems.append(f"{name}: the final stage's USER {users[-1]} is a name; use a numeric uid (runAsNonRoot cannot verify names)")
    for _, instruction, args in final:
        if instruction == "EXPOSE":
            info["expose"].update(int(p.split("/")[0]) for p in args.split() if p.split("/")[0].isdigit())
    entrypoints = [args for _, instruction, args in final if instruction == "ENTRYPOINT"]
    if not entrypoints:
        problems.append(f"{name}: the final stage has no ENTRYPOINT")
    elif not entrypoints[-1].startswith("["):
        problems.append(f"{name}: ENTRYPOINT should use the exec form ([\"/app/function\"]), not a shell")
    copies = [args for _, instruction, args in final if instruction == "COPY" and "--from=" in args]
    if entrypoints and copies:
        try:
            entry = json.loads(entrypoints[-1])[0]
        except (ValueError, IndexError):
            entry = None
        if entry and not any(args.split()[-1] == entry for args in copies):
            problems.append(f"{name}: ENTRYPOINT {entry} is not a file the final stage copies from the builder")
    return info


# ---------------------------------------------------------------------------------------------
# Cargo workspace


def workspace_functions(problems: list[str]) -> dict[str, str]:
    """{binary name: package name} of the crates under functions/ that are workspace members."""
    root = tomllib.loads((REPO / "Cargo.toml").read_text(encoding="utf-8"))
    members = root.get("workspace", {}).get("members", [])
    out: dict[str, str] = {}
    for member in members:
        if not member.startswith("functions/"):
            continue
        manifest = REPO / member / "Cargo.toml"
        if not manifest.is_file():
            problems.append(f"Cargo.toml: workspace member {member} has no Cargo.toml")
            continue
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        package = data.get("package", {}).get("name")
        bins = [b.get("name") for b in data.get("bin", []) if b.get("name")]
        if not bins and (REPO / member / "src" / "main.rs").is_file() and data.get("package", {}).get("autobins", True):
            bins = [package]
        for binary in bins:
            out[binary] = package
            if binary != package:
                problems.append(
                    f"{member}/Cargo.toml: binary '{binary}' of package '{package}': the Dockerfile builds "
                    f"`-p $FN --bin $FN`, so the package must be named after its binary"
                )
    return out


# ---------------------------------------------------------------------------------------------
# Manifests


def rendered(variant: str, env: str) -> list[dict]:
    script = REPO / "scripts" / "render_manifests.py"
    result = subprocess.run([sys.executable, str(script), variant, env, "--json"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or f"render_manifests.py exited with {result.returncode}")
    return json.loads(result.stdout)


def dig(obj: dict, path: tuple[str, ...]) -> dict:
    for key in path:
        obj = (obj or {}).get(key) or {}
    return obj


def manifest_containers(objects: list[dict], where: str, problems: list[str], info: dict) -> set[str]:
    functions: set[str] = set()
    for obj in objects:
        api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
        group = api_version.rpartition("/")[0]
        path = WORKLOAD_KINDS.get((group, kind))
        if path is None:
            continue
        name = (obj.get("metadata") or {}).get("name", "?")
        pod = dig(obj, path)
        label = f"{where}: {kind}/{name}"
        pod_user = (pod.get("securityContext") or {}).get("runAsUser")
        for container in pod.get("containers") or []:
            cname = container.get("name")
            image = container.get("image", "")
            repo = image.split("@")[0]
            last = repo.rsplit("/", 1)[-1]
            fn = last.split(":")[0]
            if IMAGE_PREFIX.rstrip("/") not in repo:
                problems.append(f"{label}: container {cname} runs image {image!r}, not one of ours ({IMAGE_PREFIX}<fn>)")
                continue
            functions.add(fn)
            if cname != fn:
                problems.append(f"{label}: container '{cname}' runs image of function '{fn}': the container must be named after its function")
            if container.get("command"):
                problems.append(f"{label}: container {cname} sets command {container['command']}, replacing the image's entrypoint")
            ports = {p.get("containerPort") for p in container.get("ports") or []}
            if info["expose"] and ports and not ports & info["expose"]:
                problems.append(f"{label}: container {cname} listens on {sorted(ports)}, the image exposes {sorted(info['expose'])}")
            user = (container.get("securityContext") or {}).get("runAsUser", pod_user)
            if user is not None and info["user"] and info["user"].isdigit() and int(info["user"]) != user:
                problems.append(f"{label}: container {cname} runs as uid {user}, the image's USER is {info['user']}")
    return functions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="check_dockerfile.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dockerfile", default=str(REPO / "Dockerfile"))
    parser.add_argument("--variant", action="append", choices=["knative", "keda"],
                        help="manifests to compare with (default: knative, and keda when keda/ exists)")
    parser.add_argument("--env", default="dev", help="overlay to render (default dev)")
    args = parser.parse_args(argv)

    problems: list[str] = []
    info = check_dockerfile(Path(args.dockerfile), problems)
    dockerfile_set = set(info["functions"] or [])

    binaries = workspace_functions(problems)
    cargo_set = set(binaries)
    if info["functions"] is not None and dockerfile_set != cargo_set:
        if cargo_set - dockerfile_set:
            problems.append(f"Dockerfile: FUNCTIONS lacks the workspace binaries {', '.join(sorted(cargo_set - dockerfile_set))}")
        if dockerfile_set - cargo_set:
            problems.append(f"Dockerfile: FUNCTIONS names {', '.join(sorted(dockerfile_set - cargo_set))}, which no crate under functions/ builds")

    variants = args.variant or ["knative"] + (["keda"] if (REPO / "keda").is_dir() else [])
    checked = []
    for variant in variants:
        where = f"{variant}/overlays/{args.env}"
        try:
            objects = rendered(variant, args.env)
        except RuntimeError as e:
            problems.append(f"{where}: cannot render: {e}")
            continue
        manifest_set = manifest_containers(objects, where, problems, info)
        checked.append(f"{where} ({len(manifest_set)} functions)")
        if info["functions"] is not None:
            if dockerfile_set - manifest_set:
                problems.append(f"{where}: no container runs {', '.join(sorted(dockerfile_set - manifest_set))}, which the Dockerfile builds")
            if manifest_set - dockerfile_set:
                problems.append(f"{where}: containers run {', '.join(sorted(manifest_set - dockerfile_set))}, which the Dockerfile cannot build (not in FUNCTIONS)")

    for line in problems:
        print(line)
    if problems:
        return 1
    print(
        f"Dockerfile builds {len(dockerfile_set)} functions ({' '.join(info['functions'])}), "
        f"as the Cargo workspace and {', '.join(checked)}; final stage runs as USER {info['user']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
