#!/usr/bin/env bash
# The intake from outside the process: the release server and the bare axum+sqlx insert,
# alternating, each on a fresh SQLite file, 20 s of wrk at c=64 (Debian package wrk).
# Build first: cargo build --release -p server --bins.
set -euo pipefail
cd "$(dirname "$0")/../../.."
for target in server bare-insert server bare-insert; do
  d=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  INTAKE_LISTEN_ADDR=127.0.0.1:$port INTAKE_DATABASE_URL=sqlite://$d/i.db INTAKE_SITE_ROOT=$d INTAKE_LOG=warn \
    INTAKE_LIMIT_CLIENT_BURST=100000000 INTAKE_LIMIT_OVERALL_BURST=100000000 INTAKE_MAX_CONNECTIONS_PER_CLIENT=100000 \
    target/release/$target > $d/out 2>$d/err &
  pid=$!
  for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$port/ 2>/dev/null && break; sleep 0.1; done
  sleep 1
  echo "== $target"
  wrk -t2 -c64 -d20s --latency -s server/benches/wrk/intake.lua http://127.0.0.1:$port | grep -E "Requests/sec|99%|50%|Non-2xx"
  kill $pid; wait $pid 2>/dev/null || true
done
