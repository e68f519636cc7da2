# One image for every process: its first argument picks the role (web, worker, beat, migrate, manage …),
# see deploy/entrypoint.sh and README "Deploying". Needs BuildKit (DOCKER_BUILDKIT=1) for RUN --mount.
#
#   docker build --build-arg COMMIT_SHA="$(git rev-parse HEAD)" -t ecf-participants .
#
# Where pip and npm must trust a certificate authority of the network's own, pass its bundle as a build
# secret (`--secret id=ca_bundle,src=/etc/ssl/certs/ca-certificates.crt`): it is mounted only for the RUN
# that downloads, never stored in a layer. `make image` does this.

# A registry's Debian in production; `make image` passes debootstrapped ones (scripts/base_image.sh).
# The image runs on bookworm, whose python3 is 3.11. The stylesheet is compiled on trixie: the Sass
# compiler needs Node.js 20.19 or newer, and bookworm has 18. Only the compiled CSS leaves that stage.
ARG BASE_IMAGE=debian:bookworm-slim
ARG ASSETS_BASE_IMAGE=debian:trixie-slim

# --- runtime: what every process needs at run time, and nothing to build with ---
FROM ${BASE_IMAGE} AS runtime
ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8
# postgresql-client: pg_dump and pg_restore for the backup commands; ca-certificates: outbound TLS;
# tzdata: the rules' dates are London dates (Python's zoneinfo reads the system's time zones).
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 postgresql-client ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
    && useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin app

# --- python: the packages production runs, exactly as locked ---
FROM runtime AS python
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/venv
COPY requirements/run.txt /tmp/run.txt
# One package of the lock (docopt) is a source distribution of pure Python: it is built with the
# virtualenv's own setuptools (--no-build-isolation) rather than with unpinned ones downloaded for it.
# Nothing runs pip or setuptools after that, so they are removed.
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export PIP_CERT=/run/secrets/ca_bundle; fi \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check --no-input \
        --require-hashes --no-build-isolation -r /tmp/run.txt \
    && /opt/venv/bin/pip uninstall --yes --disable-pip-version-check pip setuptools

# --- assets: the portal's stylesheet from GOV.UK Frontend (as `make assets`) ---
FROM ${ASSETS_BASE_IMAGE} AS assets
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export npm_config_cafile=/run/secrets/ca_bundle; fi \
    && npm ci --no-audit --no-fund --loglevel=error
COPY frontend/portal.scss frontend/
RUN npm run --silent build

# --- static: collectstatic over the app, the assets and the packages' own static files ---
FROM python AS static
WORKDIR /app
COPY . .
COPY --from=assets /build/node_modules/govuk-frontend/dist/govuk node_modules/govuk-frontend/dist/govuk
COPY --from=assets /build/frontend/build frontend/build
RUN SECRET_KEY=collectstatic-only /opt/venv/bin/python manage.py collectstatic --noinput --verbosity 0

# --- the image: runtime + packages + static files + code; the code last, so a change rebuilds little ---
FROM runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings
WORKDIR /app
COPY --from=python /opt/venv /opt/venv
COPY --from=static /app/staticfiles staticfiles
COPY . .
# Bytecode compiled now (the code is read-only to the app user); the two static source directories
# the settings name exist, empty, so Django's checks do not warn of them (their files are in staticfiles).
RUN python3 -m compileall -q -j 0 . \
    && mkdir -p node_modules/govuk-frontend/dist/govuk frontend/build
ARG COMMIT_SHA=unknown
ENV COMMIT_SHA=${COMMIT_SHA}
LABEL org.opencontainers.image.revision=${COMMIT_SHA} \
      org.opencontainers.image.title="ecf-participants" \
      org.opencontainers.image.description="Participant data service for early career teacher training: web, worker, beat, migrate and manage roles"
USER app
EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
