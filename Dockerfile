# syntax=docker/dockerfile:1
# gantry's container image: `gantry serve` as user 1000, on a root filesystem it never writes
# to (mount it read-only; the registration flow's .env needs a writable /app, so register the
# App by hand or outside the container, see docs/install.md).
#
# The base is pinned by digest: node:24-bookworm-slim as published for Node 24.18.0. Update
# the tag and digest together (`docker buildx imagetools inspect node:24-bookworm-slim`).

# Build: the npm package exactly as `npm pack` makes it (prepack compiles lib/).
FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the dev dependency `node` would download a Node binary; the base has one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm pack --pack-destination /tmp \
  && mkdir /package \
  && tar -xzf /tmp/gantry-*.tgz -C /package --strip-components=1

# Runtime: the package and its production dependencies only.
FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=build /package ./
COPY package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force \
  && rm -rf /root/.npm /tmp/* \
  && mkdir -p /var/lib/gantry \
  && chown 1000:1000 /var/lib/gantry
# The base image's `node` user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
# `gantry serve` reads .env from its working directory, and the registration flow writes the
# App's credentials there: mount a volume here to keep them (docker-compose.yml does).
WORKDIR /var/lib/gantry
VOLUME /var/lib/gantry
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.METRICS_PORT || process.env.PORT) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/gantry.js"]
CMD ["serve"]
