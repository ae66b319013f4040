#!/usr/bin/env bash
# Practice search (issue 4): Trellis alone over 100,000 generated practice items.
#
# Usage: bench/search.sh [ITEMS]    (default 100000)
# Env:   BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432, loopback only; the script
#        (re)creates the database trellis_search_bench), BENCH_DURATION (seconds per wrk run, default 5).
# Seeds the alliance profile plus ITEMS practice items, starts Trellis (release) and runs wrk
# for each search shape at 1 and 16 connections, anonymous and signed in as the bench CPD
# lead; prints a Markdown table (p50, p99 in ms, requests/s). Reuses bench/wrk-post.lua.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${1:-100000}
PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
case "$PG_URL" in
  postgres://*@127.*|postgres://*@localhost*|postgres://127.*|postgres://localhost*) ;;
  *) echo "bench: refusing a non-loopback database server: $PG_URL" >&2; exit 2 ;;
esac
DB=trellis_search_bench
DB_URL="$PG_URL/$DB?sslmode=disable"
DURATION=${BENCH_DURATION:-5}
for tool in cargo psql python3 curl wrk; do command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 2; }; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/trellis-search-bench.XXXXXX")
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "$PID" ] && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

cargo build --release --quiet
BIN=target/release/trellis
psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
RUST_LOG=warn timeout 1800 "$BIN" seed --profile alliance --practice "$ITEMS" --seed 1 --database-url "$DB_URL" | tee "$WORK/seed.out" >&2

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env TRELLIS_JWT_SECRET="$(head -c 32 /dev/urandom | base64)" TRELLIS_RATE_LIMIT_PER_MINUTE=0 TRELLIS_ANONYMOUS_RATE_LIMIT_PER_MINUTE=0 "$BIN" serve --database-url "$DB_URL" --bind "127.0.0.1:$PORT" > "$WORK/trellis.log" 2>&1 &
PID=$!
for _ in $(seq 240); do curl -s -o /dev/null -m 2 "http://127.0.0.1:$PORT/healthz" && break; sleep 0.25; done

python3 - "http://127.0.0.1:$PORT/graphql" "$DURATION" "$WORK" <<'PY'
import json, os, re, subprocess, sys
sys.path.insert(0, "bench")
from bench import Trellis, CPD_LEAD, LUA  # the comparison benchmark's sign-in helper and wrk script
url, duration, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
trellis = Trellis(url)
SHAPES = [
    ("common word", {"q": "feedback"}),
    ("rare word", {"q": "etymology"}),
    ("two words, prefix", {"q": "retrieval pract"}),
    ("word + filters", {"q": "phonics", "f": {"phases": ["PRIMARY"], "hasEvidenceOfImpact": True}}),
    ("no query, newest", {}),
    ("no query, most endorsed", {"o": {"field": "MOST_ENDORSED", "direction": "DESC"}}),
]
doc = open("bench/queries/practice-search.trellis.graphql").read()
print("| shape | caller | hits | conns | p50 ms | p99 ms | req/s |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for name, variables in SHAPES:
    body = os.path.join(work, "body.json")
    with open(body, "w") as f:
        json.dump({"query": doc, "variables": variables}, f)
    for caller in ("anonymous", "CPD lead"):
        token = None if caller == "anonymous" else trellis.token(CPD_LEAD)
        import urllib.request
        req = urllib.request.Request(url, data=open(body, "rb").read(), headers={"content-type": "application/json", **({"authorization": f"Bearer {token}"} if token else {})})
        answer = json.load(urllib.request.urlopen(req, timeout=30))
        if answer.get("errors"):
            sys.exit(f"{name}: {answer['errors']}")
        hits = answer["data"]["practices"]["totalCount"]
        for conns in (1, 16):
            env = dict(os.environ, BODY=body, AUTH=f"Bearer {token}" if token else "")
            out = subprocess.run(["timeout", str(duration + 30), "wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{duration}s",
                                  "--latency", "-s", LUA, url], env=env, capture_output=True, text=True).stdout
            rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
            lat = re.search(r"p50=([\d.]+)ms p90=([\d.]+)ms p99=([\d.]+)ms", out)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            print(f"| {name} | {caller} | {hits} | {conns} | {lat.group(1)} | {lat.group(3)} | {float(rps):.0f} |"
                  + (f" {errors.group(1)} errors" if errors else ""), flush=True)
PY
