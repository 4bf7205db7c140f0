#!/usr/bin/env bash
# checkov (from .venv-checkov, see scripts/manifest-tools.sh) on
#  - the rendered manifests of every overlay of knative/ and keda/ (framework kubernetes),
#  - the Dockerfile (framework dockerfile), and
#  - terraform/ (framework terraform: modules followed from each environment).
# It must pass. A check we do not follow is skipped inline, next to what it is about, with the reason:
# a `checkov.io/skip<N>: CKV_K8S_<n>=<reason>` annotation on the Kubernetes object, a
# `# checkov:skip=CKV_DOCKER_<n>:<reason>` comment in the Dockerfile or a
# `# checkov:skip=CKV_<id>:<reason>` comment in the Terraform resource. There is no global skip list.
#
# checkov inspects the pod template of Deployments, StatefulSets, Jobs and the like, but not of a Knative
# Service. Knative runs each Service's revision template as a Deployment, so every Knative Service is also
# checked as that Deployment: the rendered file gets a Deployment with the Service's name, namespace,
# labels and annotations (hence its checkov.io/skip annotations) and its `spec.template`. In the findings
# `Deployment.todo.task-api` of a knative file is the Knative Service task-api.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKOV=.venv-checkov/bin/checkov
PYTHON=.venv-tools/bin/python
[ -x "$CHECKOV" ] && [ -x "$PYTHON" ] || bash scripts/manifest-tools.sh
# No platform: no API key, no download of guidelines or policies (this machine and CI reach no such host).
export BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false
flags=(--quiet --compact --skip-download)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

files=()
for variant in knative keda; do
  for overlay in "$variant"/overlays/*/; do
    [ -f "$overlay/kustomization.yaml" ] || continue
    env=$(basename "$overlay")
    out="$tmp/$variant-$env.yaml"
    "$PYTHON" scripts/render_manifests.py "$variant" "$env" > "$out"
    if [ "$variant" = knative ]; then
      "$PYTHON" - "$out" <<'EOF'
import sys, yaml
path = sys.argv[1]
docs = [d for d in yaml.safe_load_all(open(path)) if d]
extra = []
for d in docs:
    if d.get("apiVersion", "").startswith("serving.knative.dev/") and d.get("kind") == "Service":
        meta = d.get("metadata") or {}
        template = (d.get("spec") or {}).get("template") or {}
        labels = dict(((template.get("metadata") or {}).get("labels")) or {})
        labels.setdefault("serving.knative.dev/service", meta.get("name"))
        template = dict(template, metadata=dict(template.get("metadata") or {}, labels=labels))
        extra.append({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {k: v for k, v in meta.items() if k in ("name", "namespace", "labels", "annotations")},
            "spec": {"selector": {"matchLabels": labels}, "template": template},
        })
if extra:
    with open(path, "a") as f:
        f.write("---\n# The revision Deployments Knative makes of the Services above (checked by checkov in their stead)\n")
        yaml.safe_dump_all(extra, f, sort_keys=False)
EOF
    fi
    files+=(-f "$out")
  done
done

status=0
if [ ${#files[@]} -eq 0 ]; then
  echo "checkov: no overlays under knative/overlays or keda/overlays yet"
else
  echo "checkov: kubernetes: $(( ${#files[@]} / 2 )) rendered overlays"
  (cd "$tmp" && "$OLDPWD/$CHECKOV" "${files[@]//$tmp\//}" --framework kubernetes "${flags[@]}") || status=1
fi
echo "checkov: dockerfile: Dockerfile"
"$CHECKOV" -f Dockerfile --framework dockerfile "${flags[@]}" || status=1
echo "checkov: terraform: terraform/"
"$CHECKOV" -d terraform --framework terraform "${flags[@]}" || status=1
exit $status
