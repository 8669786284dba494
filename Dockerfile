# bpm-webhooks: a multi-stage image. The build stage compiles TypeScript and builds isolated-vm's
# native addon; the runtime stage holds only production dependencies and dist/, runs as a non-root
# user, and starts the service exactly as `npm run start:prod` does, never building (test/operations/container.test.ts checks).
# The runtime stage serves the console's built files (dist/console) but carries none of its sources or libraries.
# Build: docker build -t bpm-webhooks .    Run with PostgreSQL: docker compose up
# Node 20 still: the lockfile pins isolated-vm 5.0.4, the last release that builds for Node 20, and
# it does not build for Node 26 (the LTS). The image moves to node:26 together with isolated-vm 7.0.2
# once the project drops Node 20 (CI already runs the suite on 26 with 7.0.2: see .ci/run).

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
# isolated-vm compiles a native addon on install.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json buf.yaml buf.gen.yaml ./
COPY proto ./proto
COPY gen ./gen
COPY src ./src
# The web console: built by vite into dist/console, served at /console.
COPY console ./console
RUN npm run build
RUN npm prune --omit=dev

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Ready = the store answers and is migrated (GET /readyz); gRPC probes can use grpc.health.v1.Health.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# --no-node-snapshot: isolated-vm needs it on Node 20 (see docs/architecture.md).
CMD ["node", "--no-node-snapshot", "dist/src/main.js"]
