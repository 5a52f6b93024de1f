#!/usr/bin/env bash
# The load test of issue 8: gunicorn (LOAD_WORKERS, default 4, DEBUG off) on the data of
# benchmarks/load/seed.py, then locust headless, then the figures. Bounded in time
# (LOAD_TIME, default 2m30s: 2 minutes measured); gunicorn is stopped in every case. Exit status 1 when the total
# p95 reaches LOAD_P95_MS (default 300) or any request failed.
# Usage: benchmarks/load/run.sh   (make bench-load); seed first: make bench-load-seed
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PORT=${LOAD_PORT:-8790}
OUT=${LOAD_OUT:-$ROOT/var/load}
mkdir -p "$OUT"

export DATABASE_URL=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/astep_loaddata}
export DEBUG=0 SECRET_KEY=load-test-only-not-a-secret-0123456789abcdefghijklmnop
export ALLOWED_HOSTS=127.0.0.1 SITE_URL=http://127.0.0.1:$PORT CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$PORT
# As behind the one TLS proxy of production: locust sends each user's X-Forwarded-For.
export SECURE_SSL_REDIRECT=0 BEHIND_PROXY=1 ALLAUTH_TRUSTED_PROXY_COUNT=1 DB_CONN_MAX_AGE=60
export PRIVATE_MEDIA_ROOT=${PRIVATE_MEDIA_ROOT:-$OUT/private}
# Reports asked during the run would be queued: keep them off the developers' broker.
export CELERY_BROKER_URL=${LOAD_BROKER_URL:-redis://127.0.0.1:6379/9}

.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py createcachetable  # where the rate limits live when DEBUG is off
# --preload: the four workers are ready together, not measured while importing Django.
.venv/bin/gunicorn astep.wsgi -w "${LOAD_WORKERS:-4}" --preload --bind 127.0.0.1:$PORT --access-logfile /dev/null \
    --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 60); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
    sleep 0.5
done

.venv/bin/locust -f benchmarks/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
    -u "${LOAD_USERS:-50}" -r "${LOAD_SPAWN_RATE:-10}" -t "${LOAD_TIME:-2m30s}" \
    --csv "$OUT/locust" --only-summary --exit-code-on-error 0 >"$OUT/locust.log" 2>&1 || true
.venv/bin/python benchmarks/load/figures.py "$OUT/locust_stats.csv" --p95-ms "${LOAD_P95_MS:-300}"
