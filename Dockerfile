# syntax=docker/dockerfile:1
# One image, two entry points:
#   worker (default)          node /app/worker.mjs
#   control plane + dashboard node /app/web/apps/web/server.js
# Every build step is deploy/build-image.ts, which the deploy tests run too (deploy/test/).
# Recipes: docs/deploy.md.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source: a C++ toolchain and Python for node-gyp, build stage only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
RUN npm install -g "pnpm@$(node -p 'require("./package.json").packageManager.split("@")[1]')"
COPY . .
ENV npm_config_nodedir=/usr/local NEXT_TELEMETRY_DISABLED=1
RUN pnpm install --reporter=silent \
 && node -e 'require(require.resolve("better-sqlite3", { paths: ["packages/coordination"] }))'
RUN node --import tsx deploy/build-image.ts /app

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    SENTINEL_DATA_DIR=/data \
    SENTINEL_CACHE_MIGRATIONS_DIR=/app/drizzle/cache \
    WORKER_HEALTH_HOST=0.0.0.0 \
    WORKER_HEALTH_PORT=8080 \
    HOSTNAME=0.0.0.0 \
    PORT=3000
COPY --from=build --chown=root:root /app /app
# The image's own user (uid 1000 in the node image); /data is the one writable place.
RUN mkdir -p /data && chown node:node /data
USER node
WORKDIR /app
EXPOSE 8080 3000
# The worker's own health endpoint; a control-plane container overrides it (probes in Kubernetes).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.WORKER_HEALTH_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself, which starts the drain.
CMD ["node", "/app/worker.mjs"]
