#!/usr/bin/env bash
# Run the external checks from ../shared/tools (read-only) out of a writable copy.
#
# Usage: .ci/shared-tools.sh setup
#        .ci/shared-tools.sh lint SCHEMA.graphql [OPERATIONS_GLOB]
#        .ci/shared-tools.sh audit URL [extra audit-http.mjs args, e.g. --header 'Authorization: Bearer T']
#        .ci/shared-tools.sh validate-url URL [--out FILE]
#        .ci/shared-tools.sh ws-smoke URL QUERY [ws-smoke.mjs args, e.g. --count 1]
#        .ci/shared-tools.sh dir          (prints the tools copy's path, e.g. for load-graphql.sh)
#
# lint:  exits non-zero if any lint step fails ("N passed, N failed", N>0).
# audit: exits non-zero if any MUST *or SHOULD* audit fails (MAY notices are allowed).
#        audit-http.mjs itself only fails on MUST errors, so its breakdown line is parsed too.
# Env:   SHARED_TOOLS_SRC (default: <repo>/../shared/tools),
#        SHARED_TOOLS_DIR (default: ${TMPDIR:-/tmp}/trellis-shared-tools),
#        SHARED_TOOLS_APT=1 to also apt-get install wrk and hey if missing (root only).
set -euo pipefail

die() { echo "shared-tools: $*" >&2; exit 2; }

repo_root() {
  git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel 2>/dev/null ||
    (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
}

SRC="${SHARED_TOOLS_SRC:-$(repo_root)/../shared/tools}"
DEST="${SHARED_TOOLS_DIR:-${TMPDIR:-/tmp}/trellis-shared-tools}"

setup() {
  command -v node >/dev/null || die "node not found"
  command -v npm >/dev/null || die "npm not found"
  [ -f "$SRC/package.json" ] || die "no tools at $SRC"
  # Re-copy when the shared tools changed (lockfile or scripts differ) or node_modules is missing.
  local stamp_src stamp_dst=""
  stamp_src=$(cd "$SRC" && cat package.json package-lock.json ./*.mjs ./*.sh 2>/dev/null | cksum)
  [ -f "$DEST/.stamp" ] && stamp_dst=$(cat "$DEST/.stamp")
  if [ ! -d "$DEST/node_modules" ] || [ "$stamp_src" != "$stamp_dst" ]; then
    echo "shared-tools: installing into $DEST" >&2
    local tmp
    tmp=$(mktemp -d "${DEST}.XXXXXX")
    cp -R "$SRC/." "$tmp/"
    chmod -R u+w "$tmp"
    rm -rf "$tmp/node_modules"
    local log="$tmp/.npm-install.log"
    if ! (cd "$tmp" && npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1); then
      echo "shared-tools: npm ci failed, trying npm install" >&2
      (cd "$tmp" && npm install --no-audit --no-fund --loglevel=error >>"$log" 2>&1) ||
        { cat "$log" >&2; rm -rf "$tmp"; die "npm install failed"; }
    fi
    echo "$stamp_src" >"$tmp/.stamp"
    rm -rf "$DEST"
    mv "$tmp" "$DEST"
  fi
  if [ "${SHARED_TOOLS_APT:-0}" = 1 ] && { ! command -v wrk >/dev/null || ! command -v hey >/dev/null; }; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null && apt-get install -y -q wrk hey >/dev/null
  fi
}

cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
  setup)
    setup; echo "shared-tools: ready in $DEST" ;;
  dir)
    setup; echo "$DEST" ;;
  lint)
    [ $# -ge 1 ] || die "usage: lint SCHEMA.graphql [OPERATIONS_GLOB]"
    [ -f "$1" ] || die "schema not found: $1"
    schema=$(realpath "$1"); ops="${2:-}"
    # lint-schema.sh cd's into its own dir, so make a relative ops glob absolute.
    if [ -n "$ops" ] && [ "${ops#/}" = "$ops" ]; then ops="$PWD/$ops"; fi
    setup
    out=$(mktemp)
    { bash "$DEST/lint-schema.sh" "$schema" ${ops:+"$ops"} 2>&1; echo $? >"$out.rc"; } |
      { grep -v 'Unknown user config' || true; } | tee "$out"
    rc=$(cat "$out.rc")
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1 || true); rm -f "$out" "$out.rc"
    [ -n "$last" ] || { echo "shared-tools: lint produced no summary (rc=$rc)" >&2; exit 1; }
    failed=$(echo "$last" | sed -E 's/.* ([0-9]+) failed$/\1/')
    [ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] || exit 1 ;;
  audit)
    [ $# -ge 1 ] || die "usage: audit URL [audit-http.mjs args]"
    setup
    out=$(mktemp)
    { node "$DEST/audit-http.mjs" "$@" 2>&1; echo $? >"$out.rc"; } | tee "$out"
    rc=$(cat "$out.rc")
    bd=$(grep -E '^breakdown: ' "$out" | tail -1 || true)
    # Lines are "STATUS  ID  NAME"; NAME starts with MUST/SHOULD/MAY. Gate on MUST+SHOULD only.
    req_ok=$(grep -cE '^OK +[0-9A-Z]{4} +(MUST|SHOULD) ' "$out" || true)
    req_bad=$(grep -cE '^(ERROR|WARN|NOTICE) +[0-9A-Z]{4} +(MUST|SHOULD) ' "$out" || true)
    rm -f "$out" "$out.rc"
    [ -n "$bd" ] || { echo "shared-tools: audit produced no breakdown (rc=$rc)" >&2; exit 1; }
    must=$(echo "$bd" | sed -E 's/.*MUST-errors=([0-9]+).*/\1/')
    should=$(echo "$bd" | sed -E 's/.*SHOULD-warnings=([0-9]+).*/\1/')
    echo "(MAY audits are informational; gate = MUST + SHOULD: MUST errors=$must, SHOULD warnings=$should)"
    echo "audit: $req_ok passed, $req_bad failed"
    if [ "$rc" -ne 0 ] || [ "$must" -ne 0 ] || [ "$should" -ne 0 ] || [ "$req_bad" -ne 0 ]; then
      exit 1
    fi ;;
  validate-url)
    [ $# -ge 1 ] || die "usage: validate-url URL [--out FILE]"
    setup
    node "$DEST/validate-sdl.mjs" "$@" ;;
  ws-smoke)
    [ $# -ge 2 ] || die "usage: ws-smoke URL QUERY [ws-smoke.mjs args]"
    [ -f "$SRC/ws-smoke.mjs" ] || die "no ws-smoke.mjs in $SRC"
    setup
    node "$DEST/ws-smoke.mjs" "$@" ;;
  *)
    die "usage: $0 {setup|dir|lint SCHEMA [OPS_GLOB]|audit URL [args]|validate-url URL [--out FILE]|ws-smoke URL QUERY [args]}" ;;
esac
