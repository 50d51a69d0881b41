# syntax=docker/dockerfile:1
# Two stages: build the release (server + wasm bundle) with cargo-leptos, then ship the binary and
# the site on a small Debian base as an unprivileged user. The pipeline issue hardens this
# (FROM scratch variant, SBOM, image tests).

FROM rust:1.95-bookworm AS build
WORKDIR /src
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/lib.sh scripts/lib.sh
COPY Cargo.toml Cargo.lock ./
# Tools first, so the layer is cached while the source changes.
RUN bash -c 'source scripts/lib.sh && ensure_wasm_target && ensure_cargo_leptos && ensure_wasm_bindgen && ensure_binaryen'
COPY . .
RUN bash -c 'source scripts/lib.sh && cargo leptos build --release' \
 && mkdir -p /out \
 && cp target/release/taskmanager /out/ \
 && cp -r target/site /out/site

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin taskmanager \
 && mkdir -p /data && chown taskmanager /data
COPY --from=build /out/taskmanager /app/taskmanager
COPY --from=build /out/site /app/site
ENV TM_LISTEN=0.0.0.0:8080 \
    TM_DATA_DIR=/data \
    TM_LOG_FORMAT=json \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_ENV=PROD
USER 10001
WORKDIR /data
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/taskmanager"]
CMD ["serve"]
