# syntax=docker/dockerfile:1
# hpclint's own image, for CI jobs that lint recipes without installing Node:
#   docker build -t hpclint .
#   docker run --rm -v "$PWD:/src:ro" hpclint [options] [paths]   (default: lint /src)
# The build stage packs the npm package from these sources (npm run pack); the image installs that
# tarball, so it runs exactly what npm ships. Both stages use the same Node base, pinned by digest.

FROM node:24-alpine@sha256:e67514e5d0f6c46656005e1b693b2ec9d52e80b641307de684d4a015ba7a4eaf AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/pack.mjs --out /packed

FROM node:24-alpine@sha256:e67514e5d0f6c46656005e1b693b2ec9d52e80b641307de684d4a015ba7a4eaf
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="hpclint" \
      org.opencontainers.image.description="HPC container recipe linter for Dockerfiles and Apptainer/Singularity definition files" \
      org.opencontainers.image.source="https://github.com/hpclint/hpclint" \
      org.opencontainers.image.documentation="https://github.com/hpclint/hpclint#readme" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
COPY --from=build /packed/ /tmp/hpclint/
RUN npm install --global --offline --no-audit --no-fund /tmp/hpclint/hpclint-*.tgz \
    && rm -rf /tmp/hpclint /root/.npm
# hpclint ignore=HPC-BUILD-002 -- a CI image for Docker/Podman; under Apptainer it runs as the caller, which is as good
USER node
WORKDIR /src
ENTRYPOINT ["hpclint"]
CMD ["."]
