# The operator image. Build stages run the Makefile's build commands; the final stage holds production
# dependencies, the compiled operator and the prebuilt edge bundle, and runs as a non-root user.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY edge-auth ./edge-auth
COPY tools/build-edge-bundle.ts ./tools/
RUN node_modules/.bin/tsc -p tsconfig.build.json \
 && node tools/build-edge-bundle.ts \
 && npm prune --omit=dev

FROM ${NODE_IMAGE}
ENV NODE_ENV=production EDGE_BUNDLE_PATH=/app/dist/edge-auth/index.mjs
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "dist/src/main.js"]
