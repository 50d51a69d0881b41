# syntax=docker/dockerfile:1
# The production image: the server binary and the site (wasm, js, css, assets) on Debian slim, run
# as an unprivileged user. Stages:
#   chef     the Rust toolchain and cargo-chef
#   planner  `cargo chef prepare`: the recipe (manifests and lockfile only), so the dependency
#            layers below are rebuilt only when dependencies change, not when our code does
#   build    the tools of the release build (scripts/lib.sh, as on a workstation), the
#            dependencies cooked for both builds `cargo leptos build --release --split` runs, then that
#            build itself; the outputs land in /out
#   runtime  debian:bookworm-slim + ca-certificates + /app/taskmanager (+ hash.txt, the bundles'
#            content hashes, read from beside the binary) + /app/site
#
#   docker build --build-arg GIT_SHA="$(git rev-parse --short=12 HEAD)" -t taskmanager .
#
# scripts/image.sh builds the runtime stage alone from a release built on the host
# (`--build-context build=DIR` stands in for the build stage, DIR holding out/taskmanager and
# out/site), then runs it until it is ready and healthy.

ARG RUST_VERSION=1.95
ARG CARGO_CHEF_VERSION=0.1.78

FROM rust:${RUST_VERSION}-bookworm AS chef
ARG CARGO_CHEF_VERSION
WORKDIR /src
RUN cargo install cargo-chef --locked --version "${CARGO_CHEF_VERSION}" \
 && rm -rf "${CARGO_HOME}/registry"

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS build
# Node's npm installs wasm-opt (npm binaryen, scripts/lib.sh ensure_binaryen); brotli
# precompresses the bundles (scripts/lib.sh precompress_site).
# hadolint ignore=DL3008 # Debian stable's archive keeps only the current revision of a package: an exact pin would break the build at the next point release; the suite is the pin
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm brotli \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/lib.sh scripts/lib.sh
# The tools, pinned by scripts/lib.sh: cached until lib.sh changes (cargo-leptos takes ~13 min).
RUN bash -c 'source scripts/lib.sh && ensure_wasm_target && ensure_cargo_leptos && ensure_binaryen'
# wasm-bindgen-cli must equal the wasm-bindgen crate of Cargo.lock.
COPY Cargo.lock Cargo.lock
RUN bash -c 'source scripts/lib.sh && ensure_wasm_bindgen'
# The dependencies, cooked exactly as `cargo leptos build --release --split` builds them (Cargo.toml
# [[workspace.metadata.leptos]]), so its two cargo builds find them fresh:
#   server: -p server --bin taskmanager --no-default-features --features ssr, profile release,
#           target/
#   wasm:   -p frontend --no-default-features --features hydrate, wasm32-unknown-unknown,
#           profile wasm-release, target/front (cargo-leptos's own target dir for the lib),
#           RUSTFLAGS=-Clink-args=--emit-relocs (what `--split` adds, so the pages can be split
#           into lazily loaded chunks)
# Both with LEPTOS_OUTPUT_NAME=taskmanager (exported by lib.sh, as cargo-leptos sets it; leptos
# reads it at compile time). The patched SurrealDB SDK (vendor/, [patch.crates-io]) is a path
# dependency outside the workspace, which the recipe does not carry: it is copied in and cooked
# with the rest. The `surreal` member is not a default member and is not built.
COPY --from=planner /src/recipe.json recipe.json
COPY vendor vendor
RUN bash -c 'source scripts/lib.sh \
 && cargo chef cook --release --recipe-path recipe.json \
      -p server --bin taskmanager --no-default-features --features ssr \
 && RUSTFLAGS=-Clink-args=--emit-relocs cargo chef cook --profile wasm-release --target wasm32-unknown-unknown --target-dir target/front \
      --recipe-path recipe.json -p frontend --no-default-features --features hydrate'
COPY . .
# server/build.rs stamps the binary with GIT_SHA (the context has no .git); declared only here,
# so a new commit does not invalidate the layers above.
ARG GIT_SHA=""
RUN bash -c 'source scripts/lib.sh && build_release' \
 && mkdir -p /out \
 && cp target/release/taskmanager target/release/hash.txt /out/ \
 && cp -r target/site /out/site

FROM debian:bookworm-slim AS runtime
# The fixed labels first (every layer of this stage carries them; scripts/image.sh prunes the
# outdated ones by the title), the per-build ones last.
LABEL org.opencontainers.image.title="taskmanager" \
      org.opencontainers.image.description="Team task manager: Leptos SSR and wasm hydration, axum, SurrealDB, Redis" \
      org.opencontainers.image.licenses="MIT"
# hadolint ignore=DL3008 # Debian stable's archive keeps only the current revision of a package: an exact pin would break the build at the next point release (and hold back security fixes); the suite is the pin
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 taskmanager \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /data \
      --shell /usr/sbin/nologin taskmanager \
 && install -d -o 10001 -g 10001 -m 0700 /data
COPY --from=build /out/taskmanager /out/hash.txt /app/
COPY --from=build /out/site /app/site
ENV TM_LISTEN=0.0.0.0:8080 \
    TM_DATA_DIR=/data \
    TM_LOG_FORMAT=json \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_ENV=PROD \
    MIMALLOC_PURGE_DELAY=0
USER 10001:10001
WORKDIR /data
EXPOSE 8080
STOPSIGNAL SIGTERM
# `taskmanager healthcheck` GETs /api/v1/health/ready on the port of TM_LISTEN (no curl in the
# image). Docker-format images only: podman/buildah need --format docker to keep it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/app/taskmanager", "healthcheck"]
# Last, so a new commit or build date changes only this metadata (no layer below it).
ARG GIT_SHA=""
ARG VERSION=""
ARG CREATED=""
ARG SOURCE_URL=""
LABEL org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.revision="${GIT_SHA}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.created="${CREATED}"
ENTRYPOINT ["/app/taskmanager"]
CMD ["serve"]
