# The operator image, in three stages: production dependencies from the lockfile, the Makefile's `build`
# (compiled operator and prebuilt edge bundle), and a runtime stage holding only those two, run as non-root.
#
# The base is an exact Node.js release (22.12+ is required). When you mirror it into your registry, pin its
# digest as well (node:<version>-bookworm-slim@sha256:<digest>) so that a re-pushed tag cannot change it.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# Production dependencies only. None of them needs an install script, so none is run.
FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# The Makefile's `build` target. It needs the dev dependencies (TypeScript, esbuild), which stay in this stage.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY edge-auth ./edge-auth
COPY tools/build-edge-bundle.ts ./tools/
RUN node_modules/.bin/tsc -p tsconfig.build.json \
 && node tools/build-edge-bundle.ts

FROM ${NODE_IMAGE} AS runtime
# TZ: edge packages are zipped with fixed timestamps, and must not depend on the zone either (as in make).
ENV NODE_ENV=production \
    TZ=UTC \
    EDGE_BUNDLE_PATH=/app/dist/edge-auth/index.mjs
WORKDIR /app
# Files stay owned by root: the operator's user can read them and change none of them.
COPY package.json ./
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# A numeric uid, so Kubernetes' runAsNonRoot can verify it without a passwd entry.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "--enable-source-maps", "dist/src/main.js"]
