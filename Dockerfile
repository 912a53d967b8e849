# revo serve as a container: built with the Swift toolchain, run on a slim Debian with only the shared libraries
# the binary needs (the Swift runtime is linked in statically). Validated by CI (DeploymentFilesTests), not built
# there: no Docker daemon or registry is reachable from it.
#   docker build -t revo .
#   docker run -p 8000:8000 -e REVO_JWT_SECRET="$(openssl rand -hex 32)" revo --provider openai=https://api.openai.com/v1

FROM swift:6.2-bookworm AS build
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends libhiredis-dev libsqlite3-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so that a change to the sources reuses the resolved and fetched packages.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product revo --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/revo" /out/revo

FROM debian:bookworm-slim AS run
# libhiredis and libsqlite3 for the drivers, libstdc++ and zlib for Foundation, curl for the health check.
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends libhiredis0.14 libsqlite3-0 libstdc++6 zlib1g ca-certificates tzdata curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin revo \
    && mkdir -p /app/data && chown revo /app/data
COPY --from=build /out/revo /usr/local/bin/revo
COPY web /app/web
WORKDIR /app
USER revo
ENV REVO_HOST=0.0.0.0 \
    REVO_PORT=8000 \
    REVO_DATABASE=sqlite:/app/data/revo.db \
    REVO_LOG_FORMAT=json
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "http://127.0.0.1:8000/health/live"]
ENTRYPOINT ["revo", "serve", "--web-root", "/app/web"]
