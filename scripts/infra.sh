#!/usr/bin/env bash
# The platform's infrastructure on DigitalOcean, with Terraform (terraform/README.md):
#
#   make infra-bootstrap          once per account: the state bucket and the container registry
#   make infra ENV=dev            plan the environment (nothing changes)
#   make infra-apply ENV=dev      apply it (Terraform asks before it changes anything)
#
# It needs, in the environment (never in a file of the repository):
#   DIGITALOCEAN_TOKEN        a DigitalOcean API token with write scope
#   SPACES_ACCESS_KEY_ID      a Spaces access key (full access) for the buckets and the state
#   SPACES_SECRET_ACCESS_KEY  its secret
#   DNS_API_TOKEN             (plan/apply) a token for cert-manager's DNS-01 challenges
#   LLM_API_KEY               (plan/apply) chat-api's LLM key; set it empty to run without an LLM
#   OIDC_CLIENT_SECRET        (plan/apply) the web page's secret at the identity provider, for a
#                             confidential client; set it empty for a public client (PKCE alone)
# and optionally TF_STATE_BUCKET / TF_STATE_REGION when the state bucket is not the one in
# terraform/environments/*/backend.tf. It stops with one line per missing setting before it runs
# Terraform. Terraform is `terraform` or `tofu` from PATH, else the core of .venv-tools
# (scripts/terraform_core.py).
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "infra: $*" >&2
  exit 1
}

action=${1:-}
environment=${ENV:-}
case "$action" in
  plan | apply)
    case "$environment" in
      dev | staging | prod) ;;
      "") die "say which environment: make infra ENV=dev (dev, staging or prod)" ;;
      *) die "unknown environment '$environment': dev, staging or prod" ;;
    esac
    dir=terraform/environments/$environment
    ;;
  bootstrap) dir=terraform/bootstrap ;;
  *) die "usage: scripts/infra.sh plan|apply|bootstrap" ;;
esac

missing=()
[ -n "${DIGITALOCEAN_TOKEN:-}" ] || missing+=("DIGITALOCEAN_TOKEN: a DigitalOcean API token with write scope (Control Panel > API > Tokens)")
[ -n "${SPACES_ACCESS_KEY_ID:-}" ] || missing+=("SPACES_ACCESS_KEY_ID: a Spaces access key with full access (Control Panel > Spaces Object Storage > Access Keys)")
[ -n "${SPACES_SECRET_ACCESS_KEY:-}" ] || missing+=("SPACES_SECRET_ACCESS_KEY: the secret of that Spaces key")
if [ "$action" != bootstrap ]; then
  [ -n "${DNS_API_TOKEN:-}" ] || missing+=("DNS_API_TOKEN: a DigitalOcean token that may edit your domain's DNS records (cert-manager's DNS-01 challenges)")
  [ -n "${LLM_API_KEY+set}" ] || missing+=("LLM_API_KEY: chat-api's LLM provider key, or LLM_API_KEY= (empty) to run chat-api without an LLM")
  [ -n "${OIDC_CLIENT_SECRET+set}" ] || missing+=("OIDC_CLIENT_SECRET: the web page's client secret at the identity provider, or OIDC_CLIENT_SECRET= (empty) for a public client")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "infra: not set in the environment, so nothing was planned:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "See terraform/README.md (from an empty account to make deploy)." >&2
  exit 1
fi

if command -v terraform >/dev/null 2>&1; then
  tf=(terraform)
elif command -v tofu >/dev/null 2>&1; then
  tf=(tofu)
else
  [ -x .venv-tools/bin/python ] || bash scripts/manifest-tools.sh
  tf=(.venv-tools/bin/python scripts/terraform_core.py)
fi

# The S3 backend (the environments' state on Spaces) reads the AWS names of the Spaces key.
export AWS_ACCESS_KEY_ID=$SPACES_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$SPACES_SECRET_ACCESS_KEY
export TF_IN_AUTOMATION=1
if [ "$action" != bootstrap ]; then
  export TF_VAR_dns_api_token=$DNS_API_TOKEN TF_VAR_llm_api_key=$LLM_API_KEY
  export TF_VAR_oidc_client_secret=$OIDC_CLIENT_SECRET
fi

init=(init -input=false)
if [ "$action" != bootstrap ]; then
  [ -z "${TF_STATE_BUCKET:-}" ] || init+=("-backend-config=bucket=$TF_STATE_BUCKET")
  [ -z "${TF_STATE_REGION:-}" ] || init+=("-backend-config=endpoints={s3=\"https://$TF_STATE_REGION.digitaloceanspaces.com\"}")
fi
# Lock file policy: the committed .terraform.lock.hcl decides the provider versions; the first
# init of a folder writes it, and that file is committed with the change that needed it.
if [ -f "$dir/.terraform.lock.hcl" ]; then
  init+=(-lockfile=readonly)
else
  echo "infra: $dir has no .terraform.lock.hcl yet: terraform init writes it; commit it" >&2
fi
"${tf[@]}" -chdir="$dir" "${init[@]}"

case "$action" in
  plan) "${tf[@]}" -chdir="$dir" plan -input=false ;;
  bootstrap) "${tf[@]}" -chdir="$dir" apply -input=false ;;
  apply)
    # The kubernetes and helm providers are configured from the cluster this apply creates: on
    # the first apply the cluster (and its network) come first, then everything else.
    if ! "${tf[@]}" -chdir="$dir" state list 2>/dev/null | grep -q '^module.platform.module.cluster.digitalocean_kubernetes_cluster.this$'; then
      echo "infra: first apply of $environment: the network and the cluster first" >&2
      "${tf[@]}" -chdir="$dir" apply -input=false -target=module.platform.module.cluster
    fi
    "${tf[@]}" -chdir="$dir" apply -input=false
    ;;
esac
