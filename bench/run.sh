#!/usr/bin/env bash
# Trellis against PostGraphile 5 over the same PostgreSQL database (issue 5).
#
# Usage: bench/run.sh            full comparison on the `alliance` profile; writes its section of BENCHMARKS.md
#        bench/run.sh --smoke    small profile, 1-second runs, both servers, row-equality check (CI); exits
#                                non-zero when the servers' rows differ. Writes nothing to the repository.
#        bench/run.sh --national national profile: seed time, then Trellis alone (first and deep pages,
#                                nested list, search, coaching suggestions, observation activity);
#                                writes its section of BENCHMARKS.md
#
# Env: BENCH_PG_URL   server to use (default postgres://postgres@127.0.0.1:5432, loopback only); the script
#                     (re)creates the database trellis_bench (trellis_bench_national) on it.
#      BENCH_DURATION, BENCH_ROUNDS, BENCH_WARMUP: seconds of each wrk run, runs per server, warm-up seconds.
# Everything runs on loopback and is bounded in time; both servers are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=full
case "${1:-}" in
  "") ;;
  --smoke) MODE=smoke ;;
  --national) MODE=national ;;
  *) echo "usage: $0 [--smoke|--national]" >&2; exit 2 ;;
esac

PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
case "$PG_URL" in
  postgres://*@127.*|postgres://*@localhost*|postgres://127.*|postgres://localhost*) ;;
  *) echo "bench: refusing a non-loopback database server: $PG_URL" >&2; exit 2 ;;
esac

case "$MODE" in
  smoke)    PROFILE=small;    DB=trellis_bench; DURATION=${BENCH_DURATION:-1}; ROUNDS=${BENCH_ROUNDS:-1}; WARMUP=${BENCH_WARMUP:-0}; DEEP=5; BUILD=debug; LIMIT=600 ;;
  full)     PROFILE=alliance; DB=trellis_bench; DURATION=${BENCH_DURATION:-5}; ROUNDS=${BENCH_ROUNDS:-3}; WARMUP=${BENCH_WARMUP:-2}; DEEP=40; BUILD=release; LIMIT=2400 ;;
  national) PROFILE=national; DB=trellis_bench_national; DURATION=${BENCH_DURATION:-5}; ROUNDS=${BENCH_ROUNDS:-3}; WARMUP=${BENCH_WARMUP:-2}; DEEP=10000; BUILD=release; LIMIT=2400 ;;
esac
DB_URL="$PG_URL/$DB?sslmode=disable"   # loopback: neither server encrypts (node-postgres does not by default)

step() { printf '\n== bench: %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null || { echo "bench: $1 not found" >&2; exit 2; }; }

# ---- tools
for tool in cargo psql python3 curl node npm; do need "$tool"; done
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    step "installing wrk (Debian package)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
  fi
  need wrk
fi
if ! pg_isready -q -d "$PG_URL/postgres" 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 30); do pg_isready -q -d "$PG_URL/postgres" && break; sleep 1; done
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/trellis-bench.XXXXXX")
TRELLIS_PID=""; PG_PID=""
cleanup() {
  local status=$?
  [ -n "$TRELLIS_PID" ] && kill "$TRELLIS_PID" 2>/dev/null || true
  [ -n "$PG_PID" ] && kill "$PG_PID" 2>/dev/null || true
  [ -n "$TRELLIS_PID" ] && wait "$TRELLIS_PID" 2>/dev/null || true
  [ -n "$PG_PID" ] && wait "$PG_PID" 2>/dev/null || true
  if [ "$MODE" = smoke ]; then psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null || true; fi
  if [ $status -ne 0 ]; then
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log (last lines)" >&2; tail -n 15 "$log" >&2; }; done
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # URL SECONDS PID
  for _ in $(seq $(($2 * 4))); do
    curl -s -o /dev/null -m 2 -X POST -H 'content-type: application/json' -d '{"query":"{__typename}"}' "$1" && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

# ---- build and seed
step "building Trellis ($BUILD)"
if [ "$BUILD" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
BIN="$ROOT/target/$BUILD/trellis"

step "database $DB, profile $PROFILE"
psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
SEED_CMD="trellis seed --profile $PROFILE --seed 1 --database-url '$PG_URL/$DB'"
seed_start=$(date +%s.%N)
RUST_LOG=warn timeout 1800 "$BIN" seed --profile "$PROFILE" --seed 1 --database-url "$DB_URL" | tee "$WORK/seed.out"
seed_secs=$(python3 -c "import time; print(f'{time.time() - $seed_start:.1f}')")
SEED_LINE=$(grep '^seeded' "$WORK/seed.out" || true)

# ---- servers
TPORT=$(free_port)
step "starting Trellis on 127.0.0.1:$TPORT"
# The nested list's estimated complexity (about 10,000) is above the default limit of 5,000.
(cd "$WORK" && exec env TRELLIS_JWT_SECRET="$(head -c 32 /dev/urandom | base64)" TRELLIS_MAX_COMPLEXITY=50000 TRELLIS_RATE_LIMIT_PER_MINUTE=0 TRELLIS_ANONYMOUS_RATE_LIMIT_PER_MINUTE=0 \
  "$BIN" serve --database-url "$DB_URL" --bind "127.0.0.1:$TPORT") \
  > "$WORK/trellis.log" 2>&1 &
TRELLIS_PID=$!
wait_for "http://127.0.0.1:$TPORT/graphql" 60 "$TRELLIS_PID" || { echo "bench: Trellis did not start" >&2; exit 1; }

ARGS=(--trellis "http://127.0.0.1:$TPORT/graphql" --trellis-pid "$TRELLIS_PID" --database-url "$DB_URL"
      --duration "$DURATION" --rounds "$ROUNDS" --warmup "$WARMUP" --deep "$DEEP"
      --markdown "$WORK/table.md" --json "$WORK/results.json")
if [ "$MODE" != national ]; then
  PPORT=$(free_port)
  step "starting PostGraphile 5 on 127.0.0.1:$PPORT"
  bench/postgraphile/start.sh --foreground "$DB_URL" "$PPORT" > "$WORK/postgraphile.log" 2>&1 &
  PG_PID=$!
  wait_for "http://127.0.0.1:$PPORT/graphql" 120 "$PG_PID" || { echo "bench: PostGraphile did not start" >&2; exit 1; }
  ARGS+=(--postgraphile "http://127.0.0.1:$PPORT/graphql" --postgraphile-pid "$PG_PID")
else
  ARGS+=(--national)
fi

# ---- measure
step "checking rows and measuring (wrk ${DURATION}s x $ROUNDS rounds per server, connections 1 and 16)"
set +e
timeout "$LIMIT" python3 bench/bench.py "${ARGS[@]}"
status=$?
set -e
[ $status -eq 0 ] || echo "bench: FAILED (status $status)" >&2

# ---- BENCHMARKS.md
if [ "$MODE" != smoke ] && [ -s "$WORK/table.md" ]; then
  COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  DIRTY=""; git diff --quiet HEAD -- 2>/dev/null || DIRTY=" (with uncommitted changes)"
  CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
  PGV=$(psql -At "$PG_URL/postgres" -c 'SHOW server_version' | cut -d' ' -f1)
  {
    if [ "$MODE" = full ]; then
      echo "## Trellis against PostGraphile: \`alliance\` profile"
      echo
      echo "Measured $(date -u +%Y-%m-%d) at commit \`$COMMIT\`$DIRTY on $(nproc) cores ($CPU), load generator, both servers and PostgreSQL $PGV on the same machine."
      echo "Dataset: $SEED_LINE"
      echo "Trellis signed in as \`bench-cpd-lead@trellis.example\` (CPD lead of all 12 alliances: the access policy decides every row, and here lets all through, so both servers return the same rows);"
      echo "PostGraphile 5.1.5 (Amber preset, simplified inflection, Node 22.23.3) anonymous over the same database. Every row was checked equal before measuring."
      echo "Median of $ROUNDS alternating wrk runs of ${DURATION} s per server (after ${WARMUP} s of warm-up each); latencies in ms; T/P = Trellis ÷ PostGraphile."
    else
      echo "## Trellis alone: \`national\` profile"
      echo
      echo "Measured $(date -u +%Y-%m-%d) at commit \`$COMMIT\`$DIRTY on $(nproc) cores ($CPU), PostgreSQL $PGV on the same machine."
      echo "Seeded in **${seed_secs} s** (release build, PostgreSQL): $SEED_LINE"
      echo "Median of $ROUNDS wrk runs of ${DURATION} s (after ${WARMUP} s of warm-up). Target: p99 under 50 ms at 16 connections."
    fi
    echo
    cat "$WORK/table.md"
    echo
    echo "Commands:"
    echo
    echo '```sh'
    echo "bench/run.sh$([ "$MODE" = national ] && echo ' --national')   # all of the below"
    echo "$SEED_CMD"
    echo "TRELLIS_JWT_SECRET=... TRELLIS_MAX_COMPLEXITY=50000 trellis serve --database-url '$PG_URL/$DB?sslmode=disable' --bind 127.0.0.1:PORT"
    [ "$MODE" = full ] && echo "bench/postgraphile/start.sh '$PG_URL/$DB?sslmode=disable' PORT2"
    echo "BODY=body.json AUTH='Bearer <token>' wrk -t2 -c16 -d${DURATION}s --latency -s bench/wrk-post.lua http://127.0.0.1:PORT/graphql   # -t1 -c1 for 1 connection"
    echo '```'
  } > "$WORK/section.md"
  SECTION=$([ "$MODE" = full ] && echo alliance || echo national)
  python3 - "$ROOT/BENCHMARKS.md" "$SECTION" "$WORK/section.md" <<'EOF'
import os, sys
path, mode, section = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
begin, end = f"<!-- bench:{mode}:begin -->", f"<!-- bench:{mode}:end -->"
text = open(path).read() if os.path.exists(path) else (
    "# Benchmarks\n\nTrellis against PostGraphile 5 over the same PostgreSQL database, as issue 5 asks. "
    "Rerun with `bench/run.sh` (alliance profile, both servers) and `bench/run.sh --national` "
    "(national profile, Trellis alone); each rewrites its own section below. `bench/run.sh --smoke` "
    "is the CI check (small profile, one-second runs, rows compared).\n\n")
block = f"{begin}\n{section.rstrip()}\n{end}"
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + "\n\n" + block + "\n"
open(path, "w").write(text)
EOF
  step "wrote the $SECTION section of BENCHMARKS.md"
fi
exit $status
