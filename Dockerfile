# syntax=docker/dockerfile:1.7
#
# Tradeflow production image: one image for both roles, started by tini (PID 1) on the image's own Node.js 24.
#
#   API (default command):  docker run -p 3000:3000 --env-file prod.env tradeflow                -> node dist/api/main.js
#   Worker:                 docker run -p 9464:9464 --env-file prod.env tradeflow dist/worker.js  -> node dist/worker.js
#   Kubernetes: keep the image's entrypoint; the worker Deployment sets `args: ["dist/worker.js"]`.
#   Any other compiled script runs the same way, e.g. `docker run --rm tradeflow dist/scripts/apikey.js --help`.
#
# Build:   docker build -t tradeflow .   (BuildKit; CI builds it with docker/build-push-action)
# Ports:   3000 the API (API_PORT); 9464 the worker's GET /health/live and /health/ready (WORKER_HEALTH_PORT).
# State:   /app/data, owned by the app user (uid 1000): the SQLite store and the audit log when no DATABASE_URL /
#          AUDIT_LOG_FILE say otherwise. Mount a volume (Kubernetes: an emptyDir) there; the rest of the filesystem
#          can be read-only.
# Config:  environment variables only (.env.example lists them all); no .env file is ever copied into the image.
# Stop:    SIGTERM (forwarded by tini) drains the worker within WORKER_SHUTDOWN_GRACE_MS (default 10 s), so give it
#          more than that: `docker stop -t 30`, terminationGracePeriodSeconds >= 30.
# Health:  HEALTHCHECK runs docker/healthcheck.js (API port, then the worker's health port); Kubernetes uses its own
#          probes instead.

# Node.js 24 LTS, the version package.json pins as its `node` devDependency (test/unit/deploy/dockerfile.test.ts
# checks that the majors agree and that every base image is pinned). To pin the digest as well, append
# @sha256:<digest> as printed by `docker buildx imagetools inspect node:24.21.0-bookworm-slim`.
FROM node:24.21.0-bookworm-slim AS base
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# ---------------------------------------------------------------------------------------------------------------------
# build: all dependencies, tsc (src -> dist, tsconfig.build.json) and the prebuilt workflow bundle.
# --ignore-scripts: no dependency needs an install script. The `node` devDependency (a Node binary that `npm run`
# puts first on PATH on developer machines) therefore stays an empty shell here, and nothing below goes through
# `npm run` or `npx`: tsc and the bundle script run on the image's own node.
FROM base AS build
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The WebAssembly risk kernel is compiled in: src/risk/gram-wasm-binary.ts holds it as base64 (generated from
# wasm/gram.wat by `npm run build:wasm` and committed), so neither wasm/ nor wabt is needed here or at run time.
# The dashboard's static page (HTML, CSS, browser modules) is not TypeScript: copied beside the compiled router, which
# serves it from there; its chart library (uplot) comes with the production node_modules.
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json \
    && node dist/scripts/build-workflow-bundle.js dist/workflow-bundle.js \
    && test -s dist/workflow-bundle.js \
    && mkdir -p dist/api/dashboard && cp -R src/api/dashboard/public dist/api/dashboard/public \
    && test -s dist/api/dashboard/public/index.html

# ---------------------------------------------------------------------------------------------------------------------
# prod-deps: production dependencies only. The Temporal core bridge ships native binaries for every platform
# (about 140 MB) and its Rust sources; keep only this platform's binary and fail the build if it is missing.
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts \
    && bridge=node_modules/@temporalio/core-bridge \
    && target="$(node -p "require('./${bridge}/common.js').getPrebuiltTargetName()")" \
    && find "${bridge}/releases" -mindepth 1 -maxdepth 1 ! -name "${target}" -exec rm -rf {} + \
    && rm -rf "${bridge}/sdk-core" \
    && node -e "require('./${bridge}/common.js').getPrebuiltPath()"

# ---------------------------------------------------------------------------------------------------------------------
# runtime: dist/, production node_modules, package.json and the health check script; nothing else.
FROM base AS runtime
# The repository URL: CI sets org.opencontainers.image.source (and .revision) itself through build-push-action's
# labels; local builds may pass it with --build-arg SOURCE_URL=https://github.com/<owner>/<repo>.
ARG SOURCE_URL=""
LABEL org.opencontainers.image.title="tradeflow" \
      org.opencontainers.image.description="Tradeflow: durable trading-operations pipelines on Temporal (API and worker)" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="Apache-2.0"
# tini as PID 1: forwards SIGTERM/SIGINT to node (so the worker drains) and reaps zombies.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -m 0750 -o 1000 -g 1000 /app/data
# The API binds loopback by default (API_HOST); in a container it must listen on all interfaces.
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    WORKER_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    WORKER_HEALTH_PORT=9464
# Code and dependencies stay owned by root, read-only for the app user; only /app/data is the app user's.
COPY --link --chown=0:0 --from=prod-deps /app/node_modules /app/node_modules
COPY --link --chown=0:0 --from=build /app/dist /app/dist
COPY --link --chown=0:0 package.json /app/package.json
COPY --link --chown=0:0 docker/healthcheck.js /app/docker/healthcheck.js
# The base image's `node` user, numeric so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000 9464
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["node", "/app/docker/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--", "node"]
CMD ["dist/api/main.js"]
