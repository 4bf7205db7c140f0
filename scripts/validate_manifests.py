#!/usr/bin/env python3
"""Validates rendered Kubernetes manifests offline, with unknown fields rejected.

usage: validate_manifests.py [--crds DIR] [--kubernetes-version 1.31] FILE|- ...

Each input is a multi-document YAML stream, typically `kubectl kustomize DIR`. For each object:
  - when a CRD in the CRD directory defines its group and kind, it is validated against that CRD's
    openAPIV3Schema for the object's version, made strict the way `kubectl apply --validate=strict`
    is: `additionalProperties: false` on every node that declares `properties` and does not preserve
    unknown fields; root apiVersion/kind/metadata are always allowed (Knative Eventing's CRDs do not
    declare them) and root metadata is checked against Kubernetes' ObjectMeta; `x-kubernetes-int-or-string`
    accepts an integer or a string; `format: int32/int64` means an integer in that range; CEL rules
    (`x-kubernetes-validations`) are not evaluated, except KEDA's minReplicaCount <= maxReplicaCount,
    checked by hand; Chaos Mesh objects (group chaos-mesh.org) also get the checks of Chaos Mesh's
    admission webhook that no schema expresses: durations and latencies that Go's time.ParseDuration
    reads, a `value` that suits the `mode`, a Schedule's 5-field cron and exactly one embedded
    experiment, of its `type`;
  - else, when Kubernetes itself has the kind, it is validated with kubernetes-validate's strict schemas
    for the given Kubernetes version;
  - else it fails: "no schema for <apiVersion>/<kind>".
One line per problem, `<kind>/<name>: <json path>: <message>`, and exit 1; otherwise
`N objects valid (M against CRDs, K core)` and exit 0. Exit 2 on a usage error (unreadable file, bad YAML).

The CRD directory is --crds, else $CRD_DIR, else ../shared/schemas/crds relative to the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the work tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _manifests import REPO, ensure_tools  # noqa: E402

ensure_tools("yaml", "jsonschema", "kubernetes_validate")

import jsonschema  # noqa: E402
import yaml  # noqa: E402
from referencing import Registry, Resource  # noqa: E402

import kubernetes_validate.utils as kv  # noqa: E402

# libyaml's loader when PyYAML has it: the CRDs (Strimzi's above all) are large.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


# ---------------------------------------------------------------------------------------------
# CRD schemas made strict


def strict_schema(node: Any, root: bool = False, junctor: bool = False) -> Any:
    """A copy of an OpenAPI v3 (structural) CRD schema, as a JSON Schema (draft 4) with unknown fields rejected.

    `junctor`: inside allOf/anyOf/oneOf/not, where a structural schema's `properties` only constrain
    values (Strimzi's `oneOf: [{properties: {secret: {}, configMap: {}}}]`) and never declare the fields."""
    if isinstance(node, list):
        return [strict_schema(item, junctor=junctor) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {name: strict_schema(sub, junctor=junctor) for name, sub in value.items()}
        elif key in ("items", "additionalProperties"):
            out[key] = strict_schema(value, junctor=junctor)
        elif key in ("not", "allOf", "anyOf", "oneOf"):
            out[key] = strict_schema(value, junctor=True)
        elif key == "x-kubernetes-validations":
            continue
        else:
            out[key] = value

    if out.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out.pop("anyOf", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    fmt = out.get("format")
    if fmt in INT_RANGES and out.get("type") in ("integer", "number", None):
        out["type"] = "integer"
        low, high = INT_RANGES[fmt]
        out.setdefault("minimum", low)
        out.setdefault("maximum", high)
    if out.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    if out.get("x-kubernetes-embedded-resource"):
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    if root:
        props = out.setdefault("properties", {})
        props["apiVersion"] = {"type": "string"}
        props["kind"] = {"type": "string"}
        # Root metadata is ObjectMeta, checked separately against Kubernetes' own schema.
        props["metadata"] = {"type": "object"}
    if (
        "properties" in out
        and not junctor
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


class Crds:
    """The CRDs of a directory, by (group, kind)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.by_group_kind: dict[tuple[str, str], dict] = {}
        self._validators: dict[tuple[str, str, str], jsonschema.protocols.Validator] = {}
        for path in sorted(directory.glob("*.y*ml")):
            with open(path, encoding="utf-8") as f:
                for doc in yaml.load_all(f, Loader=SafeLoader):
                    if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                        spec = doc.get("spec") or {}
                        key = (spec.get("group", ""), (spec.get("names") or {}).get("kind", ""))
                        doc["_file"] = path.name
                        self.by_group_kind[key] = doc

    def lookup(self, group: str, kind: str) -> dict | None:
        return self.by_group_kind.get((group, kind))

    def validator(self, crd: dict, version: str) -> jsonschema.protocols.Validator | None:
        key = (crd["spec"]["group"], crd["spec"]["names"]["kind"], version)
        if key not in self._validators:
            schema = None
            for v in crd["spec"].get("versions") or []:
                if v.get("name") == version and v.get("served", True):
                    schema = ((v.get("schema") or {}).get("openAPIV3Schema")) or {}
            if schema is None and (crd["spec"].get("validation") or {}).get("openAPIV3Schema"):
                schema = crd["spec"]["validation"]["openAPIV3Schema"]  # apiextensions v1beta1
            if schema is None:
                return None
            self._validators[key] = jsonschema.Draft4Validator(strict_schema(schema, root=True))
        return self._validators[key]

    def served_versions(self, crd: dict) -> list[str]:
        return [v["name"] for v in crd["spec"].get("versions") or [] if v.get("served", True)]


# ---------------------------------------------------------------------------------------------
# Kubernetes' own schemas (kubernetes-validate, strict variant)


class Core:
    def __init__(self, kubernetes_version: str):
        wanted = kubernetes_version.lstrip("v")
        versions = kv.all_versions()
        if not versions:
            raise SystemExit("validate_manifests: kubernetes-validate ships no schemas")

        def key(v: str) -> tuple[int, ...]:
            return tuple(int(p) for p in kv.major_minor(v).split("."))

        try:
            candidates = [v for v in versions if key(v) <= key(wanted)]
        except ValueError:
            raise SystemExit(f"validate_manifests: bad --kubernetes-version {kubernetes_version!r}")
        if not candidates or key(wanted) > key(versions[-1]):
            raise SystemExit(
                f"validate_manifests: kubernetes-validate has schemas for {kv.major_minor(versions[0])}"
                f"..{kv.major_minor(versions[-1])}, not {kubernetes_version}"
            )
        self.version = candidates[-1]
        self.schema_dir = f"kubernetes-json-schema/v{self.version}-local-strict"
        defs = kv.schema_contents(f"{self.schema_dir}/_definitions.json", self.version)
        self.registry = Resource.from_contents(defs) @ Registry()
        self.defs_id = defs.get("$id", "https://kubernetes.io/api/_definitions.json")
        self._validators: dict[tuple[str, str], jsonschema.protocols.Validator | None] = {}

    def validator(self, api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
        key = (api_version, kind)
        if key not in self._validators:
            short = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
            try:
                schema = kv.schema_contents(f"{self.schema_dir}/{kind.lower()}-{short}.json", self.version)
            except (FileNotFoundError, kv.VersionNotSupportedError):
                schema = None
            if schema is not None:
                # The schema files also describe sub-objects (deploymentspec-apps-v1.json): a top-level
                # kind must declare apiVersion and kind with exactly this value.
                declared = ((schema.get("properties") or {}).get("kind") or {}).get("enum") or []
                if kind not in declared:
                    schema = None
            if schema is None:
                self._validators[key] = None
            else:
                registry = Resource.from_contents(schema) @ self.registry
                self._validators[key] = jsonschema.Draft202012Validator(schema, registry=registry)
        return self._validators[key]

    def object_meta_validator(self) -> jsonschema.protocols.Validator:
        if not hasattr(self, "_meta"):
            schema = {"$ref": f"{self.defs_id}#/$defs/{OBJECT_META}"}
            self._meta = jsonschema.Draft202012Validator(schema, registry=self.registry)
        return self._meta


# ---------------------------------------------------------------------------------------------
# Problems


def json_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", str(part)):
            out += f"[{json.dumps(str(part))}]"  # keys such as autoscaling.knative.dev/min-scale
        elif out == "":
            out = str(part)
        else:
            out += f".{part}"
    return out or "(root)"


def describe(error: jsonschema.ValidationError, prefix: tuple = ()) -> Iterator[tuple[str, str]]:
    """(path, message) pairs for one jsonschema error, phrased like the API server would."""
    path = prefix + tuple(error.absolute_path)
    if error.validator == "additionalProperties" and error.validator_value is False:
        known = set((error.schema.get("properties") or {}).keys())
        patterns = (error.schema.get("patternProperties") or {}).keys()
        for name in error.instance:
            if name not in known and not any(re.search(p, name) for p in patterns):
                yield json_path(path + (name,)), f'unknown field "{name}"'
        return
    if error.validator in ("anyOf", "oneOf") and error.schema.get("x-kubernetes-int-or-string"):
        yield json_path(path), f"expected an integer or a string, got {json.dumps(error.instance)}"
        return
    if error.validator == "type":
        expected = error.validator_value
        if isinstance(expected, list):
            expected = " or ".join(t for t in expected if t != "null")
        yield json_path(path), f"expected {expected}, got {type_name(error.instance)} {json.dumps(error.instance)}"
        return
    if error.validator in ("anyOf", "oneOf") and error.context:
        # Report the alternative that got furthest, as jsonschema's best_match does.
        best = jsonschema.exceptions.best_match(error.context)
        if best is not None:
            yield from describe(best, prefix)
            return
    yield json_path(path), error.message


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def sorted_errors(validator: jsonschema.protocols.Validator, instance: Any) -> list[jsonschema.ValidationError]:
    return sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])


# ---------------------------------------------------------------------------------------------


def load_documents(source: str) -> list[tuple[str, int, Any]]:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as e:
        raise SystemExit(f"validate_manifests: cannot read {source}: {e.strerror}")
    try:
        docs = list(yaml.load_all(text, Loader=SafeLoader))
    except yaml.YAMLError as e:
        raise SystemExit(f"validate_manifests: {source}: not valid YAML: {e}")
    out = []
    for index, doc in enumerate(docs):
        if doc is None:
            continue
        if isinstance(doc, dict) and doc.get("kind", "").endswith("List") and isinstance(doc.get("items"), list):
            out.extend((source, index, item) for item in doc["items"])
        else:
            out.append((source, index, doc))
    return out


def keda_min_max(obj: dict) -> list[tuple[str, str]]:
    spec = obj.get("spec") or {}
    low, high = spec.get("minReplicaCount"), spec.get("maxReplicaCount")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        return [("spec", f"minReplicaCount ({low}) must be less than or equal to maxReplicaCount ({high})")]
    if isinstance(low, int) and high is None and low > 100:
        return [("spec", f"minReplicaCount ({low}) must be less than or equal to maxReplicaCount (default 100)")]
    return []


# ---------------------------------------------------------------------------------------------
# Chaos Mesh: what its admission webhook refuses beyond the schema (api/v1alpha1/*_webhook.go)

GO_DURATION = re.compile(r"[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)")
CRON_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 6))
CRON_NAMES = {
    3: {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    4: {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())},
}
CRON_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}


def cron_problem(spec: Any) -> str | None:
    """Why robfig/cron's ParseStandard (what the Schedule webhook and controller use) refuses `spec`, or None."""
    if not isinstance(spec, str):
        return "expected a string"
    text = spec.strip()
    if text in CRON_DESCRIPTORS:
        return None
    if text.startswith("@every "):
        return None if GO_DURATION.fullmatch(text[7:].strip()) else f"bad duration in {text!r}"
    fields = text.split()
    if len(fields) != 5:
        return f"expected 5 fields (minute hour day-of-month month day-of-week), got {len(fields)}"
    for index, (field, (name, low, high)) in enumerate(zip(fields, CRON_FIELDS)):
        names = CRON_NAMES.get(index, {})
        for part in field.split(","):
            body, _, step = part.partition("/")
            if step and not (step.isdigit() and int(step) > 0):
                return f"{name}: bad step in {part!r}"
            if body in ("*", "?"):
                continue
            bounds = [names.get(b.lower(), int(b) if b.isdigit() else None) for b in body.split("-")]
            if len(bounds) > 2 or any(b is None or not low <= b <= high for b in bounds):
                return f"{name}: {part!r} is not within {low}-{high}"
            if len(bounds) == 2 and bounds[0] > bounds[1]:
                return f"{name}: {part!r} is an empty range"
    return None


def chaos_mode_problems(selector_spec: dict, path: tuple) -> list[tuple[str, str]]:
    """`value` must suit `mode` (validatePodSelector): a count for fixed, a percentage in (0, 100] for the percent modes."""
    mode, value = selector_spec.get("mode"), selector_spec.get("value")
    if mode not in ("fixed", "fixed-percent", "random-max-percent"):
        return []
    number = int(value) if isinstance(value, str) and re.fullmatch(r"[-+]?\d+", value) else None
    if number is None:
        return [(json_path(path + ("value",)), f"mode {mode} needs a whole number as value, got {json.dumps(value)}")]
    if mode == "fixed" and number <= 0:
        return [(json_path(path + ("value",)), f"mode fixed needs a value above 0, got {number}")]
    if mode != "fixed" and not 0 < number <= 100:
        return [(json_path(path + ("value",)), f"mode {mode} needs a percentage in (0, 100], got {number}")]
    return []


def chaos_experiment_problems(spec: Any, path: tuple) -> list[tuple[str, str]]:
    """An experiment's spec (a *Chaos object's, or embedded in a Schedule)."""
    if not isinstance(spec, dict):
        return []
    out = []
    durations = [("duration",)] + [("delay", key) for key in ("latency", "jitter")]
    for keys in durations:
        value = spec
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None and not (isinstance(value, str) and GO_DURATION.fullmatch(value)):
            out.append((json_path(path + keys), f"not a Go duration (such as 30s, 5m, 1h30m): {json.dumps(value)}"))
    out += chaos_mode_problems(spec, path)
    if isinstance(spec.get("target"), dict):
        out += chaos_mode_problems(spec["target"], path + ("target",))
    if spec.get("externalTargets") and spec.get("direction") in ("from", "both") and spec.get("action") != "partition":
        out.append((json_path(path + ("direction",)), "external targets take direction `to` only, except for a partition"))
    return out


def chaos_mesh_problems(obj: dict) -> list[tuple[str, str]]:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return []
    if obj.get("kind") != "Schedule":
        return chaos_experiment_problems(spec, ("spec",))
    out = []
    problem = cron_problem(spec.get("schedule"))
    if problem:
        out.append(("spec.schedule", f"not a cron schedule: {problem}"))
    embedded = [key for key, value in spec.items() if (key.endswith("Chaos") or key == "workflow") and value is not None]
    wanted = str(spec.get("type", ""))
    if len(embedded) != 1:
        out.append(("spec", f"a Schedule embeds exactly one experiment, found {len(embedded)}: {', '.join(embedded) or 'none'}"))
    elif embedded[0].lower() != wanted.lower():
        out.append(("spec.type", f"type {wanted} does not match the embedded experiment {embedded[0]}"))
    else:
        out += chaos_experiment_problems(spec[embedded[0]], ("spec", embedded[0]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--crds", help="directory of CRD YAML files (default: $CRD_DIR or ../shared/schemas/crds)")
    parser.add_argument("--kubernetes-version", default="1.31", help="Kubernetes version of the core schemas (default 1.31)")
    parser.add_argument("files", nargs="+", metavar="FILE|-", help="multi-document YAML stream(s); - reads stdin")
    args = parser.parse_args(argv)

    crd_dir = Path(args.crds or os.environ.get("CRD_DIR") or REPO.parent / "shared" / "schemas" / "crds")
    if not crd_dir.is_dir():
        print(f"validate_manifests: CRD directory {crd_dir} not found (use --crds DIR or CRD_DIR)", file=sys.stderr)
        return 2
    crds = Crds(crd_dir)
    core = Core(args.kubernetes_version)

    problems: list[str] = []
    seen: dict[tuple[str, str, str, str], str] = {}
    n_crd = n_core = total = 0

    documents = [doc for source in args.files for doc in load_documents(source)]
    for source, index, obj in documents:
        total += 1
        if not isinstance(obj, dict):
            problems.append(f"{source}#{index}: (root): expected an object, got {type_name(obj)}")
            continue
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        name = ((obj.get("metadata") or {}) if isinstance(obj.get("metadata"), dict) else {}).get("name")
        label = f"{kind or '?'}/{name or f'<unnamed, {source} document {index}>'}"
        if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
            problems.append(f"{label}: (root): apiVersion and kind are required strings")
            continue
        if not name and not (obj.get("metadata") or {}).get("generateName"):
            problems.append(f"{label}: metadata.name: required")
        namespace = (obj.get("metadata") or {}).get("namespace") or ""
        identity = (api_version.split("/")[0] if "/" in api_version else "", kind, namespace, name or "")
        if name and identity in seen:
            problems.append(f"{label}: (root): duplicate object (also in {seen[identity]})")
        seen[identity] = f"{source} document {index}"

        group, _, version = api_version.rpartition("/")
        crd = crds.lookup(group, kind) if group else None
        if crd is not None:
            validator = crds.validator(crd, version)
            if validator is None:
                served = ", ".join(crds.served_versions(crd))
                problems.append(
                    f"{label}: apiVersion: no schema for {api_version}/{kind}: "
                    f"CRD {crd['metadata']['name']} ({crd['_file']}) serves {served}"
                )
                continue
            n_crd += 1
            for error in sorted_errors(validator, obj):
                problems.extend(f"{label}: {p}: {m}" for p, m in describe(error))
            if isinstance(obj.get("metadata"), dict):
                for error in sorted_errors(core.object_meta_validator(), obj["metadata"]):
                    problems.extend(f"{label}: {p}: {m}" for p, m in describe(error, ("metadata",)))
            if group == "keda.sh" and kind == "ScaledObject":
                problems.extend(f"{label}: {p}: {m}" for p, m in keda_min_max(obj))
            if group == "chaos-mesh.org":
                problems.extend(f"{label}: {p}: {m}" for p, m in chaos_mesh_problems(obj))
            continue

        validator = core.validator(api_version, kind)
        if validator is not None:
            n_core += 1
            for error in sorted_errors(validator, obj):
                problems.extend(f"{label}: {p}: {m}" for p, m in describe(error))
            continue

        problems.append(f"{label}: (root): no schema for {api_version}/{kind}")

    if total == 0:
        problems.append(f"(input): no objects in {', '.join(args.files)}")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) in {total} objects", file=sys.stderr)
        return 1
    print(f"{total} objects valid ({n_crd} against CRDs, {n_core} core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
