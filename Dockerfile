# bpm-webhooks: a multi-stage image. The build stage compiles TypeScript and the console; the runtime
# stage holds only production dependencies and dist/, runs as a non-root user, and starts the service exactly as `npm run start:prod` does, never building (test/operations/container.test.ts checks).
# The runtime stage serves the console's built files (dist/console) but carries none of its sources or libraries.
# Build: docker build -t bpm-webhooks .    Run with PostgreSQL: docker compose up
# Node 26, the current LTS, as CI's LTS stage runs the suite (.ci/run): the lockfile pins isolated-vm
# 5.0.4 for Node 20, which does not build for Node 26, so the image installs without install scripts
# and puts in isolated-vm 7.0.2, whose bundled linux-x64 prebuild loads without a compiler. The two
# versions are kept equal to .ci/run's by test/operations/container.test.ts.

FROM node:26.12.1-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Compiling needs no native addon: install scripts are skipped (the types are isolated-vm's own).
RUN npm ci --ignore-scripts
COPY tsconfig.json buf.yaml buf.gen.yaml ./
COPY proto ./proto
COPY gen ./gen
COPY src ./src
# The web console: built by vite into dist/console, served at /console.
COPY console ./console
RUN npm run build

FROM node:26.12.1-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts \
  && npm install --no-save --omit=dev isolated-vm@7.0.2 \
  && npm cache clean --force
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Ready = the store answers and is migrated (GET /readyz); gRPC probes can use grpc.health.v1.Health.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# --no-node-snapshot: isolated-vm needs it (see docs/architecture.md).
CMD ["node", "--no-node-snapshot", "dist/src/main.js"]
