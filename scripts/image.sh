#!/usr/bin/env bash
# make image FN=task-api / make images: builds evolution-of-todo/<fn>:$TAG from the Dockerfile with the first
# of podman, buildah and docker that works here.
#   scripts/image.sh FN...        one image per function
#   scripts/image.sh --all        every function the Dockerfile can build (its ARG FUNCTIONS)
# Settings: TAG (dev), IMAGE_PREFIX (evolution-of-todo), BUILDER (podman|buildah|docker: skips the search).
# The base images come from Docker Hub and gcr.io. Where those registries cannot be reached and the images
# are not already in the local store, this fails with one clear line instead of a long pull error.
set -euo pipefail
cd "$(dirname "$0")/.."

TAG=${TAG:-dev}
IMAGE_PREFIX=${IMAGE_PREFIX:-evolution-of-todo}
fail() { echo "make image: $*" >&2; exit 1; }

dockerfile_arg() { sed -n "s/^ARG $1=\"\\{0,1\\}\\([^\"]*\\)\"\\{0,1\\}\$/\\1/p" Dockerfile | head -1; }
FUNCTIONS=$(dockerfile_arg FUNCTIONS)
# The base images: the FROM lines that name an image rather than an earlier stage.
BASE_IMAGES=$(awk 'toupper($1) == "FROM" {
    for (i = 2; i <= NF; i++) if ($i !~ /^--/) { if (!($i in stage)) print $i; break }
    if (toupper($(NF - 1)) == "AS") stage[$NF] = 1
  }' Dockerfile | sort -u)

[ $# -gt 0 ] || fail "usage: scripts/image.sh FN... | --all"
if [ "$1" = --all ]; then set -- $FUNCTIONS; fi
for fn in "$@"; do
  case " $FUNCTIONS " in
    *" $fn "*) ;;
    *) fail "unknown function '$fn': valid functions: $FUNCTIONS" ;;
  esac
done

# The first builder that works: podman and buildah need no daemon; docker's client needs a running engine.
works() {
  case "$1" in
    podman) podman info >/dev/null 2>&1 ;;
    buildah) buildah info >/dev/null 2>&1 ;;
    docker) docker info >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}
if [ -n "${BUILDER:-}" ]; then
  command -v "$BUILDER" >/dev/null 2>&1 && works "$BUILDER" || fail "BUILDER=$BUILDER does not work here"
else
  for candidate in podman buildah docker; do
    if command -v "$candidate" >/dev/null 2>&1 && works "$candidate"; then BUILDER=$candidate; break; fi
  done
  [ -n "${BUILDER:-}" ] || fail "no image builder works here: install podman or buildah (apt-get install podman buildah) or start a Docker engine"
fi

# The base images: in the local store already, or pulled now.
have_image() {
  case "$BUILDER" in
    podman) podman image exists "$1" ;;
    buildah) buildah inspect --type image "$1" >/dev/null 2>&1 ;;
    docker) docker image inspect "$1" >/dev/null 2>&1 ;;
  esac
}
for base in $BASE_IMAGES; do
  have_image "$base" && continue
  echo "make image: pulling $base"
  if ! "$BUILDER" pull -q "$base" > "${TMPDIR:-/tmp}/image-pull.$$" 2>&1; then
    reason=$(grep -Eo '(no such host|connection refused|i/o timeout|unauthorized|manifest unknown|not found)[^"]*' "${TMPDIR:-/tmp}/image-pull.$$" | head -1)
    rm -f "${TMPDIR:-/tmp}/image-pull.$$"
    fail "base image $base is not available (${reason:-pull failed}): build where its registry is reachable, or configure a registry mirror"
  fi
  rm -f "${TMPDIR:-/tmp}/image-pull.$$"
done

# podman and buildah run RUN steps in chroot isolation unless told otherwise: inside a container (CI's
# machine is one) they cannot create the nested cgroups that their default OCI isolation needs.
export BUILDAH_ISOLATION=${BUILDAH_ISOLATION:-chroot}

revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
for fn in "$@"; do
  image="$IMAGE_PREFIX/$fn:$TAG"
  echo "make image: building $image with $BUILDER"
  build=("$BUILDER")
  case "$BUILDER" in
    podman|docker) build+=(build) ;;
    buildah) build+=(bud) ;;
  esac
  "${build[@]}" -f Dockerfile -t "$image" \
    --build-arg FN="$fn" \
    --build-arg VERSION="${version:-0.1.0}" \
    --build-arg REVISION="$revision" \
    .
done
