# syntax=docker/dockerfile:1.7
# graphrec image: one image for every role (`serve`, `worker`, and the one-shot `generate`/`etl`/`train`/`models`
# of the compose `bootstrap` service). The entrypoint is the CLI; the command picks the role.
# Validated by test/deploy/dockerfile.test.ts (this machine has no Docker engine, so it is parsed, not built).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Toolchain for native addons: @tensorflow/tfjs-node falls back to node-gyp when no prebuilt binding fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Sources (see .dockerignore for what stays out).
COPY . .
RUN npm run build \
 && mkdir -p cypher

# Production dependencies only from here on.
RUN npm prune --omit=dev --no-audit --no-fund

# @tensorflow/tfjs-node is deliberately NOT in package.json's dependencies, only in its optionalDependencies: the
# install script downloads libtensorflow from outside the npm registry, and where that fails (offline dev machines,
# .ci/run) npm drops the package and carries on (scripts/tfjs-native.sh then builds it from PyPI's tensorflow-cpu
# wheel; without it training falls back to @tensorflow/tfjs-backend-wasm). Inside a Docker build the download works
# and `npm ci` installs it. Because a failed optional package is dropped silently, this step retries it (a no-op
# when it is there) and the require makes the build fail without it. The version must match @tensorflow/tfjs in
# package-lock.json.
RUN npm install --no-save --omit=dev --no-audit --no-fund @tensorflow/tfjs-node@4.22.0 \
 && node -e "require('@tensorflow/tfjs-node')"

# ---------------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    GRAPHREC_USE_DIST=1 \
    GRAPHREC_HOME=/app \
    GRAPHREC_DATA_DIR=/data \
    API_HOST=0.0.0.0 \
    API_PORT=4000
WORKDIR /app

# A fixed, non-root uid/gid so that Kubernetes' runAsUser/fsGroup and volume ownership line up (k8s/ uses 10001).
RUN groupadd --system --gid 10001 graphrec \
 && useradd --system --uid 10001 --gid graphrec --home-dir /app --shell /usr/sbin/nologin graphrec \
 && mkdir -p /data \
 && chown graphrec:graphrec /data

COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/bin ./bin
# Non-TypeScript assets read at run time from GRAPHREC_HOME (tsc does not copy them into dist/).
COPY --from=build --chown=root:root /app/cypher ./cypher

USER graphrec
VOLUME ["/data"]
EXPOSE 4000

# node:*-slim has neither curl nor wget, so the probe is a one-line fetch. The worker serves /healthz on the
# same port, so the check holds for both roles.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.API_PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["node", "bin/graphrec.cjs"]
CMD ["serve"]
