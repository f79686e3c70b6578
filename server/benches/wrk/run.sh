#!/usr/bin/env bash
# The intake from outside the process: the release server and the bare axum+sqlx insert,
# alternating (server, bare, server, bare), each on a fresh database, 20 s of wrk at c=64
# (Debian package wrk) posting unique complaints (intake.lua).
#   server/benches/wrk/run.sh             SQLite (a fresh file each)
#   STORE=postgres server/benches/wrk/run.sh
#                                         PostgreSQL: a throwaway cluster with fsync on, as in
#                                         service (or BENCH_POSTGRES=postgres://… of your own),
#                                         a fresh database each
# Build first: cargo build --release -p server --bins.
set -euo pipefail
cd "$(dirname "$0")/../../.."
store=${STORE:-sqlite}
admin=""
if [ "$store" = postgres ]; then
  admin=${BENCH_POSTGRES:-}
  if [ -z "$admin" ]; then
    pg_dir=$(mktemp -d /tmp/wrk-pg.XXXXXX)
    trap '.ci/postgres stop "$pg_dir"' EXIT
    admin=$(.ci/postgres start "$pg_dir")
  fi
  psql=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)/psql
fi
round=0
for target in server bare-insert server bare-insert; do
  round=$((round + 1))
  d=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  if [ "$store" = postgres ]; then
    db="wrk_${round}_$$"
    "$psql" -q "$admin" -c "CREATE DATABASE $db" >/dev/null
    url="${admin%/*}/$db"
  else
    url="sqlite://$d/i.db"
  fi
  INTAKE_LISTEN_ADDR=127.0.0.1:$port INTAKE_DATABASE_URL=$url INTAKE_SITE_ROOT=$d INTAKE_LOG=warn \
    INTAKE_LIMIT_CLIENT_BURST=100000000 INTAKE_LIMIT_OVERALL_BURST=100000000 INTAKE_MAX_CONNECTIONS_PER_CLIENT=100000 \
    target/release/$target > $d/out 2>$d/err &
  pid=$!
  for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$port/ 2>/dev/null && break; sleep 0.1; done
  sleep 1
  echo "== $target ($store)"
  wrk -t2 -c64 -d20s --latency -s server/benches/wrk/intake.lua http://127.0.0.1:$port | grep -E "Requests/sec|99%|50%|Non-2xx"
  echo "   peak memory: $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$pid/status)"
  kill $pid; wait $pid 2>/dev/null || true
  # Each run leaves a database of a gigabyte or more: gone before the next.
  rm -rf "$d"
  if [ "$store" = postgres ]; then "$psql" -q "$admin" -c "DROP DATABASE $db" >/dev/null; fi
done
