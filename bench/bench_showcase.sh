#!/usr/bin/env bash
# Load test of the public showcase against gunicorn serving the built site (collectstatic,
# DEBUG off) on 127.0.0.1, with wrk at 32 concurrent connections. Prints requests/s and latency
# percentiles for a trivial view (/healthz), the home page, the map data and the boundary file.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
PY=.venv/bin/python
WORK=$(mktemp -d /tmp/ecozone-bench-showcase.XXXXXX)
PORT=${PORT:-8765}
export ECOZONE_VAR_DIR="$WORK" DATABASE_URL="sqlite:///$WORK/bench.sqlite3" ECOZONE_DEBUG=0 \
  ECOZONE_SECRET_KEY=bench-only-secret ECOZONE_ALLOWED_HOSTS=127.0.0.1 ECOZONE_SECURE_COOKIES=0
$PY manage.py migrate -v0
$PY manage.py load_demo >/dev/null
$PY manage.py collectstatic --no-input -v0
.venv/bin/gunicorn config.wsgi --workers "${WORKERS:-3}" --bind "127.0.0.1:$PORT" --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
MAP=$(curl -s "http://127.0.0.1:$PORT/" | grep -o '/static/showcase/zhejiang-counties[^"]*' | head -1)
echo "gunicorn ${WORKERS:-3} workers, wrk 2 threads × 32 connections × ${DURATION:-10}s, $(nproc) cores"
declare -A RPS
for target in /healthz / /api/v1/showcase/map "$MAP"; do
  curl -s -o /dev/null "http://127.0.0.1:$PORT$target"  # warm the cache
  line=$(wrk -t2 -c32 -d"${DURATION:-10}s" -H "Accept-Encoding: br, gzip" -s bench/showcase.lua "http://127.0.0.1:$PORT$target" | grep RESULT)
  echo "  $target  ${line#RESULT }"
  RPS[$target]=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$line")
done
python3 -c "print(f'  home / trivial view throughput ratio: {${RPS[/]} / ${RPS[/healthz]}:.2f}')"
