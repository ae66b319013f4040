#!/usr/bin/env bash
# Vendors GraphiQL and React, pinned, from the npm registry: their production builds and
# licences, into this folder, which the server embeds (src/http/graphiql/).
# Usage: assets/graphiql/update.sh [GRAPHIQL_VERSION [REACT_VERSION]]
# GraphiQL 4 and later ship no UMD build: stay on 3.x until the page is bundled another way.
set -euo pipefail
cd "$(dirname "$0")"
graphiql=${1:-3.9.0}
react=${2:-18.3.1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# unpack PACKAGE@VERSION: the package's files in $work/PACKAGE.
unpack() {
  local tarball
  tarball=$(cd "$work" && npm pack --silent "$1@$2")
  mkdir -p "$work/$1"
  tar -xzf "$work/$tarball" -C "$work/$1" --strip-components=1
}
unpack graphiql "$graphiql"
unpack react "$react"
unpack react-dom "$react"

# Without its source map's address: the map is not vendored, and a browser's developer
# tools would ask the server for it.
sed '/^\/\/# sourceMappingURL=/d' "$work/graphiql/graphiql.min.js" > graphiql.min.js
cp "$work/graphiql/graphiql.min.css" .
cp "$work/graphiql/LICENSE" LICENSE-graphiql
cp "$work/react/umd/react.production.min.js" .
cp "$work/react/LICENSE" LICENSE-react
cp "$work/react-dom/umd/react-dom.production.min.js" .
cp "$work/react-dom/LICENSE" LICENSE-react-dom
printf 'graphiql %s\nreact %s\nreact-dom %s\n' "$graphiql" "$react" "$react" > VERSIONS
echo "vendored: $(tr '\n' ' ' < VERSIONS)($(du -ch ./*.js ./*.css | tail -1 | cut -f1))"
