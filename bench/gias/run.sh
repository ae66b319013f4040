#!/bin/sh
# Measures `trellis import gias` on a synthetic national extract (50,000 rows): time and
# peak memory (/usr/bin/time -v), first import and re-import, on SQLite and PostgreSQL.
# Usage: bench/gias/run.sh [path/to/trellis] [postgres://server]   (BENCHMARKS.md)
set -eu
here=$(dirname "$0")
trellis=${1:-target/release/trellis}
postgres=${2:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/generate.py" "$work/extract.csv" 50000
python3 "$here/generate.py" "$work/extract-later.csv" 50000 2
ls -l "$work"/*.csv
measure() {
    echo "== $1: $2"
    /usr/bin/time -v "$trellis" import gias "$work/$2" --database-url "$3" 2>"$work/time" >"$work/out"
    cat "$work/out"
    grep -E "Elapsed|Maximum resident" "$work/time"
}
sqlite="sqlite://$work/bench.db?mode=rwc"
"$trellis" migrate --database-url "$sqlite" >/dev/null 2>&1
measure sqlite extract.csv "$sqlite"
measure sqlite extract.csv "$sqlite"
measure sqlite extract-later.csv "$sqlite"
psql "$postgres/postgres" -qc "DROP DATABASE IF EXISTS trellis_gias_bench" -c "CREATE DATABASE trellis_gias_bench"
"$trellis" migrate --database-url "$postgres/trellis_gias_bench" >/dev/null 2>&1
measure postgres extract.csv "$postgres/trellis_gias_bench"
measure postgres extract.csv "$postgres/trellis_gias_bench"
measure postgres extract-later.csv "$postgres/trellis_gias_bench"
psql "$postgres/postgres" -qc "DROP DATABASE trellis_gias_bench"
