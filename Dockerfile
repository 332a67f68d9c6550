# syntax=docker/dockerfile:1
# reelnotes in one image: web site (OAuth pages, /health, /ready), bots and worker.
# Build: docker build -t reelnotes .      Run: docker run -p 8080:8080 --env-file .env reelnotes
# No Docker engine? `npx tsx scripts/container-check.ts` performs these build and start steps
# in a clean folder (test/container runs it in npm test).

# ---- deps: production node_modules and the generated Prisma client ----------------------
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/prisma-generate.mjs
# --ignore-scripts: dependencies' install scripts only download binaries this image takes from
# Debian and pip instead (ffmpeg-static, yt-dlp-exec, Prisma's schema engine) or check versions.
# The one install step the app needs, generating the Prisma client, runs explicitly.
RUN npm ci --omit=dev --ignore-scripts && node scripts/prisma-generate.mjs

# ---- yt-dlp: a current release from PyPI in a virtualenv --------------------------------
# TikTok and Instagram change often; Debian's yt-dlp lags behind. Rebuild to update it.
FROM node:24-bookworm-slim AS ytdlp
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir --upgrade pip yt-dlp

# ---- runtime ----------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg python3 ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system reelnotes \
 && useradd --system --gid reelnotes --create-home --home-dir /home/reelnotes --shell /usr/sbin/nologin reelnotes
WORKDIR /app
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/app/data \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    FFPROBE_PATH=/usr/bin/ffprobe \
    PATH=/opt/venv/bin:$PATH
COPY --from=ytdlp /opt/venv /opt/venv
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json .npmrc prisma.config.ts tsconfig.json ./
COPY prisma ./prisma
COPY scripts/migrate.ts ./scripts/migrate.ts
COPY src ./src
COPY --from=deps /app/src/db/generated ./src/db/generated
COPY bots ./bots
COPY web-oauth ./web-oauth
# The embedded database (when DATABASE_URL is unset) and media work folders live in DATA_DIR:
# mount a volume there to keep them. The code stays root-owned and read-only to the service.
RUN mkdir -p /app/data && chown reelnotes:reelnotes /app/data
USER reelnotes
EXPOSE 8080
# Node has fetch; the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs, without npm: npm exits on SIGTERM without passing it on, which would
# leave the service to be killed instead of draining its jobs. Migrations are applied on boot
# (src/db/migrate.ts); `npm run db:migrate` does only that, for a release step before rolling out.
# tini is PID 1: it passes SIGTERM on to node and reaps the yt-dlp and ffmpeg children that
# exit after their parent, which node (not written to be an init) would leave as zombies.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "src/main.ts"]
