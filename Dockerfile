# One image per function: `make image FN=task-api` (or `make images`) runs
#   podman build --build-arg FN=task-api -t evolution-of-todo/task-api:dev .
# The binary of function FN (binary name = function name = Knative Service / Deployment name = container
# name) is built in the builder stage and runs as /app/function, as user 65532, in a distroless image with
# glibc and OpenSSL's libraries and nothing else (no shell, no package manager).
# scripts/check_dockerfile.py checks, without building, that FUNCTIONS below is exactly the set of function
# binaries of the Cargo workspace and of the containers that the manifests run, and that the image runs as
# a non-root user.
# The base images come from Docker Hub and gcr.io (to build from a mirror, configure it as a registry
# mirror of the builder, e.g. podman's registries.conf). Builder: Debian bookworm with Rust 1.95, the
# toolchain CI and the developers use (rust-version in Cargo.toml is 1.88); runtime: bookworm's glibc,
# libgcc and OpenSSL, user 65532.

FROM docker.io/library/rust:1.95-slim-bookworm AS builder
# The functions one image can hold: every binary the manifests run.
ARG FUNCTIONS="task-api session-api chat-api analytics notifier scheduler outbox-relay archiver backup aiops web"
ARG FN=task-api
# cmake, pkg-config and the curl headers: rdkafka builds librdkafka from source (as scripts/build-deps.sh
# installs them for the developers); libssl-dev for rdkafka's TLS to managed Kafka.
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake libcurl4-openssl-dev libssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# zlib is linked statically: the distroless image has no libz.so.1.
ENV LIBZ_SYS_STATIC=1 \
    CARGO_TERM_COLOR=never
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    case " ${FUNCTIONS} " in \
      *" ${FN} "*) ;; \
      *) echo "FN=${FN} is not a function; one of: ${FUNCTIONS}" >&2; exit 1 ;; \
    esac \
 && cargo build --release --locked -p "${FN}" --bin "${FN}" \
 && mkdir -p /out \
 && cp "target/release/${FN}" /out/function \
 && echo "shared libraries of ${FN}:" && ldd /out/function \
 && unexpected="$(ldd /out/function | awk '{print $1}' \
      | grep -Ev '^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libgcc_s\.so\.1|libstdc\+\+\.so\.6|libssl\.so\.3|libcrypto\.so\.3)$' || true)" \
 && if [ -n "${unexpected}" ]; then \
      echo "${FN} needs shared libraries the runtime image does not have: ${unexpected}" >&2; exit 1; \
    fi

FROM gcr.io/distroless/cc-debian12:nonroot
ARG FN=task-api
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="${FN}" \
      org.opencontainers.image.description="Evolution of Todo: the ${FN} function" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://example.invalid/evolution-of-todo" \
      org.opencontainers.image.vendor="Evolution of Todo" \
      dev.evolution-of-todo.function="${FN}"
COPY --from=builder /out/function /app/function
WORKDIR /app
USER 65532:65532
# Knative sets PORT (8080 by default); the functions listen on $PORT.
EXPOSE 8080
# checkov:skip=CKV_DOCKER_2:Kubernetes ignores HEALTHCHECK; the manifests probe /healthz (liveness) and /readyz (readiness), and the distroless image has no shell or client to run a check with
ENTRYPOINT ["/app/function"]
