# 科创助手: one image for every role (web workers, the scheduler); see README "部署 (Deployment)".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    KC_DATA_DIR=/var/lib/kc

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY handlers ./handlers
COPY jobs ./jobs
COPY samples ./samples
# CPU torch first (never a CUDA build), then the project (editable: samples/ stays next to the code).
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
    && pip install -e . \
    && useradd --system --home /var/lib/kc kc && mkdir -p /var/lib/kc && chown kc /var/lib/kc
USER kc
VOLUME ["/var/lib/kc"]
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=120s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["kc", "serve", "--host", "0.0.0.0", "--port", "8000"]
