# syntax=docker/dockerfile:1
# FirstWatch in a container: build with devDependencies, run with production ones only.
#   docker build -t firstwatch .
#   docker run --env-file .env -v firstwatch-data:/data -p 3978:3978 firstwatch          # start
#   docker run --env-file .env -v firstwatch-data:/data firstwatch doctor                # check the configuration
# Node 24 LTS (package.json engines: 22.13+ or 24); the slim image has no compiler, so native modules
# (better-sqlite3) are installed in stages that have one and copied over.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS toolchain
# Used only if better-sqlite3 has no prebuilt binary for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

FROM toolchain AS build
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# tsc → dist/, and the SQL migrations copied to dist/store/sqlite/migrations and dist/store/postgres/migrations.
RUN npm run build

FROM toolchain AS deps
RUN npm ci --omit=dev && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    TEAMS_PLAYGROUND=false \
    SQLITE_PATH=/data/firstwatch.db \
    LOCAL_WORKSPACE_DIR=/data/workspace \
    DETECTIONS_DIR=/app/detections
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY detections ./detections
# State (SQLite, the local sample workspace) lives on the volume, writable by the unprivileged user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3978
# No curl in slim images: node's own fetch asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["start"]
