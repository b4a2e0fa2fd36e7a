# syntax=docker/dockerfile:1.7
# Production image: `docker build -t blog-cms .`
#
# Two stages: `build` installs the locked dependencies into /opt/venv with uv and collects
# the static files; `runtime` copies only the virtualenv, the code and the static files
# onto the same slim base, runs as an unprivileged numeric user and starts gunicorn.
# Migrations never run here: the Helm chart runs them in a pre-install/pre-upgrade Job.
# https://docs.astral.sh/uv/guides/integration/docker/

# The slim Debian Python base, pinned to a patch release (both stages use the same one, so
# the virtualenv's interpreter path is valid in the runtime stage). Pin a digest too
# (`python:3.11.14-slim-bookworm@sha256:...`) where your registry policy wants one.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

# ---------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build

COPY --from=uv /uv /usr/local/bin/uv

# Compile bytecode at build time (the runtime filesystem is read-only); copy rather than
# hard-link from the cache mount; never download a Python, use the base image's.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv

WORKDIR /app

# Dependencies only from uv.lock (--locked fails if pyproject.toml and the lock disagree),
# runtime group only: no dev, load-test or CI tools in the image. Every dependency ships a
# wheel for this platform, so no compiler is needed in either stage.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --locked --no-default-groups --no-install-project

COPY . /app

# Hashed, compressed static files for WhiteNoise. Settings need a secret key and hosts in
# production mode; these build-only values never reach the runtime image's environment.
RUN DJANGO_SECRET_KEY=collectstatic-build-only \
    DJANGO_ALLOWED_HOSTS=localhost \
    /opt/venv/bin/python manage.py collectstatic --no-input --verbosity 0

# ---------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# A fixed numeric user and group, matched by the chart's runAsUser/runAsGroup/fsGroup.
ARG APP_UID=10001
RUN groupadd --system --gid "${APP_UID}" app \
    && useradd --system --uid "${APP_UID}" --gid app --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin app

ENV PATH=/opt/venv/bin:${PATH} \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cms.settings \
    PORT=8000 \
    METRICS_PORT=9100 \
    PROMETHEUS_MULTIPROC_DIR=/run/prometheus-multiproc

WORKDIR /app

# Code and virtualenv stay owned by root: the app user can read but never change them.
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

USER ${APP_UID}:${APP_UID}

# 8000: HTTP (gunicorn); 9100: Prometheus metrics served by the gunicorn master.
EXPOSE 8000 9100

# Exec form: gunicorn is PID 1 and receives SIGTERM itself, then drains in-flight requests
# for GUNICORN_GRACEFUL_TIMEOUT seconds (docs/deploying.md "Timeout chain").
CMD ["gunicorn", "--config", "cms/gunicorn.conf.py", "cms.wsgi:application"]
