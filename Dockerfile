# chiiki in a container: gunicorn serving app:server as an unprivileged user, the bundled data/
# read-only, the user directory (imports, serving database) on a volume.
#   docker build -t chiiki .
#   docker run -p 8050:8050 -v chiiki-user:/var/lib/chiiki chiiki
# Several replicas, a proxy and an admin instance: compose.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHIIKI_USER_DIR=/var/lib/chiiki \
    HOME=/tmp

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY app.py chiiki_cli.py ./
COPY loaders/ loaders/
COPY metrics/ metrics/
COPY layouts/ layouts/
COPY callbacks/ callbacks/
COPY bench/ bench/
RUN pip install -e . "gunicorn>=22"

COPY assets/ assets/
COPY data/ data/
COPY deploy/gunicorn.conf.py deploy/gunicorn.conf.py

# Bytecode compiled now (the filesystem is read-only at run time); then nobody may write the code or
# the bundled data, and the user directory belongs to the unprivileged user.
RUN python -m compileall -q /app \
    && useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent chiiki \
    && mkdir -p /var/lib/chiiki \
    && chown chiiki:chiiki /var/lib/chiiki \
    && chmod -R a-w /app

USER chiiki
VOLUME ["/var/lib/chiiki"]
EXPOSE 8050

# /healthz answers 200 while data is served (also when degraded) and 503 when nothing can be.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8050/healthz', timeout=4).status != 200)"]

CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "app:server"]
