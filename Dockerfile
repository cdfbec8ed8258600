# Bulletin's production image: a virtualenv built from the hashed lock in one stage, copied into a
# slim runtime without compilers, run by gunicorn as a non-root user. See docker-compose.yml.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements.lock .
# --require-hashes refuses anything that is not exactly what the lock names. The pure-Python
# source packages (jieba) build without a compiler; the runtime stage gets only the finished venv.
RUN python -m venv /venv && /venv/bin/pip install --require-hashes -r requirements.lock

FROM python:3.11-slim AS runtime
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media
# Pango and HarfBuzz lay out the print edition (WeasyPrint); Noto CJK gives it Song (serif) and
# Hei (sans) faces; openssl makes the first self-signed certificate (deploy/first_run.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk openssl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 1000 bulletin
WORKDIR /app
COPY --from=build /venv /venv
COPY --chown=bulletin:bulletin . .
# Hashed, compressed static files are part of the image; the key only lets settings load here and
# is never used at run time. The folders of the named volumes exist so that a new volume inherits
# their owner.
RUN SECRET_KEY=collectstatic-only-not-a-secret DEBUG=0 python manage.py collectstatic --no-input -v 0 \
    && mkdir -p /app/media /app/secrets /app/tls \
    && chown bulletin:bulletin /app/media /app/staticfiles /app/secrets /app/tls \
    && chmod 700 /app/secrets
USER bulletin
EXPOSE 8000
# /healthz is liveness only (no database): a broken database must not get the container killed.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "config.wsgi:application"]
