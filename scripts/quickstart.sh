#!/usr/bin/env bash
# `npm run quickstart`: from a fresh clone to a running platform on a small default shop.
# It grows as parts land; every step prints what it did.
set -euo pipefail
cd "$(dirname "$0")/.."
g() { node bin/graphrec.cjs "$@"; }

echo "== 1/4 install"
[ -d node_modules ] || npm install --no-audit --no-fund

echo "== 2/4 start Neo4j 5.26 and Redis 7 (first run resolves Neo4j from Maven Central: about a minute)"
g stack up

SHOP="${GRAPHREC_QUICKSTART_DIR:-.data/shops/quickstart}"
echo "== 3/4 generate a small synthetic shop into $SHOP"
g generate --out "$SHOP" --users 20000 --products 5000 --interactions 200000 --seed 42

echo "== 4/4 ask the graph something"
g cypher 'CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition' --json
echo
echo "Neo4j Browser: http://127.0.0.1:7474/browser/  (user neo4j, password from NEO4J_PASSWORD; local default graphrec-local-dev)"
