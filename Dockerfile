# syntax=docker/dockerfile:1
# Stage 1: build the React dashboard.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# Stage 2: the Python runtime that runs web, worker, beat, streams and the local exchange.
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=trader.settings TRADER_RUN_DIR=/app/.run
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
COPY --from=frontend /src/frontend/dist ./frontend/dist
# collectstatic needs settings that pass the production gate; these values exist only for this step.
RUN TRADER_MODE=development SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0 \
    && useradd --system --uid 10001 --home /app trader \
    && mkdir -p /app/.run && chown -R trader /app/.run
USER trader
EXPOSE 8000 9900
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "trader.asgi:application"]
