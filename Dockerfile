# syntax=docker/dockerfile:1
# Multi-stage: build with dev dependencies, run with production ones only, as a non-root user.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
# /app belongs to root: the uploads directory is made for the `node` user, and is a volume
# (mount shared storage there when several instances run: any of them may serve an image).
RUN npm ci --omit=dev && npm cache clean --force \
 && mkdir -p /app/.data/media && chown -R node:node /app/.data
ENV MEDIA_DIR=/app/.data/media
VOLUME ["/app/.data/media"]
COPY --from=build /app/dist ./dist
COPY public ./public
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# DATABASE_URL must be set in production: migrations run first (idempotent), then the server.
CMD ["sh", "-c", "node dist/src/cli/migrate.js && exec node --enable-source-maps dist/src/main.js"]
