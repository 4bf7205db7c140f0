#!/usr/bin/env bash
# make deploy: applies the rendered manifests of one overlay with kubectl.
#   make deploy ENV=prod                  every object of knative/overlays/prod
#   make deploy FN=task-api ENV=dev       only task-api's objects (label app.kubernetes.io/name=task-api);
#                                         the shared platform objects (namespace, config, Kafka, gateway,
#                                         default-deny policy) come from a full `make deploy ENV=dev`
#   make deploy VARIANT=keda ENV=dev      the KEDA variant (Deployments + ScaledObjects), keda/overlays/dev
#   make deploy ... DRY_RUN=1             prints the YAML instead of applying it; needs no cluster
# Settings come from the environment: VARIANT (knative), ENV (dev), FN (all), DRY_RUN, KUBECTL (kubectl),
# KUBECONFIG / the current kubectl context. Errors are one line on stderr; exit 2 for a bad argument or
# no cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

VARIANT=${VARIANT:-knative}
ENV=${ENV:-dev}
FN=${FN:-}
DRY_RUN=${DRY_RUN:-}
KUBECTL=${KUBECTL:-kubectl}

fail() { echo "make deploy: $*" >&2; exit 2; }

case "$VARIANT" in
  knative|keda) ;;
  *) fail "unknown VARIANT '$VARIANT': valid variants: knative, keda" ;;
esac
[ -d "$VARIANT/overlays" ] || fail "$VARIANT/overlays does not exist"
envs=$(find "$VARIANT/overlays" -mindepth 1 -maxdepth 1 -type d -exec test -e '{}/kustomization.yaml' ';' -printf '%f\n' | sort | paste -sd, - | sed 's/,/, /g')
[ -f "$VARIANT/overlays/$ENV/kustomization.yaml" ] || fail "unknown ENV '$ENV': valid environments: ${envs:-none}"

if [ -x .venv-tools/bin/python ]; then PYTHON=.venv-tools/bin/python; else PYTHON=python3; fi
command -v "$KUBECTL" >/dev/null 2>&1 || fail "'$KUBECTL' not found: run 'bash scripts/manifest-tools.sh' (installs kubectl)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=("$VARIANT" "$ENV")
[ -z "$FN" ] || args+=(--function "$FN")
if ! "$PYTHON" scripts/render_manifests.py "${args[@]}" > "$tmp/manifests.yaml" 2> "$tmp/err"; then
  sed -e 's/^render_manifests: /make deploy: /' -e "s/: no objects labelled app.kubernetes.io\/name=\([^ ]*\) in/: unknown FN '\1': no objects labelled app.kubernetes.io\/name=\1 in/" "$tmp/err" >&2
  exit 2
fi

what="$VARIANT/overlays/$ENV${FN:+ (function $FN)}"
case "$DRY_RUN" in
  ""|0|false|no) ;;
  *)
    cat "$tmp/manifests.yaml"
    exit 0
    ;;
esac

context=$("$KUBECTL" config current-context 2>/dev/null || true)
if ! "$KUBECTL" version --request-timeout=5s >/dev/null 2>&1; then
  fail "no Kubernetes cluster reachable (kubectl context '${context:-none}'): set KUBECONFIG or use DRY_RUN=1 to print the manifests"
fi

# One function alone goes into a namespace that a full deploy created; say so rather than let kubectl fail.
namespaces=$("$PYTHON" - "$tmp/manifests.yaml" <<'EOF'
import sys, yaml
names = sorted({(d.get("metadata") or {}).get("namespace") for d in yaml.safe_load_all(open(sys.argv[1])) if d} - {None})
print(" ".join(names))
EOF
)
if [ -n "$FN" ]; then
  for ns in $namespaces; do
    "$KUBECTL" get namespace "$ns" --request-timeout=10s >/dev/null 2>&1 ||
      fail "namespace '$ns' does not exist yet: deploy the platform first with 'make deploy ENV=$ENV${VARIANT:+ VARIANT=$VARIANT}'"
  done
fi
for ns in $namespaces; do
  if "$KUBECTL" get namespace "$ns" --request-timeout=10s >/dev/null 2>&1 &&
     ! "$KUBECTL" -n "$ns" get secret todo-secrets --request-timeout=10s >/dev/null 2>&1; then
    echo "make deploy: warning: Secret todo-secrets is missing in namespace $ns; the functions will not start until it exists (the README shows the 'kubectl create secret generic todo-secrets' command)" >&2
  fi
done

echo "make deploy: applying $what to context '${context:-none}'"
"$KUBECTL" apply -f "$tmp/manifests.yaml"
