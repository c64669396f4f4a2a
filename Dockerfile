# syntax=docker/dockerfile:1
# Multi-stage: build with every dependency, keep only the production ones, run as the non-root
# `node` user. CI builds and runs this file (scripts/image-test.sh).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
# Compile, then drop the development packages in place (the toolchain, the embedded PostgreSQL's
# ~60 MB of binaries): the runtime stage copies what is left, without npm's cache or a second
# download. The prune keeps what production packages name as peers although nothing loads it at
# run time (~40 MB): TypeScript (@nestjs/swagger's compiler plugin), ts-node and @swc/core
# (TypeORM's CLI on .ts files); they go too, and the image test proves the app runs without them.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/typescript node_modules/ts-node node_modules/@swc

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    MEDIA_DIR=/app/.data/media
WORKDIR /app
# /app belongs to root: the uploads directory is made for the `node` user, and is a volume
# (mount shared storage there when several instances run: any of them may serve an image).
RUN mkdir -p /app/.data/media && chown -R node:node /app/.data
VOLUME ["/app/.data/media"]
# package.json: its "type": "module" makes dist/ ES modules.
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The demo page (under 100 KB) stays: DEMO_ENABLED=true may turn it on in production.
COPY public ./public
# Email templates, read at run time (MAIL_TEMPLATES_DIR may point at a mounted copy instead).
COPY templates ./templates
USER node
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Last, so a new commit does not invalidate the layers above.
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="shop-api" \
      org.opencontainers.image.description="E-commerce API: accounts, catalog, carts, checkout, orders" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="$SOURCE" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION"
# DATABASE_URL is required in production. The app applies pending migrations at start, under a
# PostgreSQL advisory lock, so replicas started at once migrate in turn. Exec form, no shell:
# node is the container's first process and `docker stop`'s SIGTERM reaches it (it drains
# in-flight requests for up to SHUTDOWN_GRACE, 8 s by default, within Docker's 10 s).
CMD ["node", "dist/src/main.js"]
