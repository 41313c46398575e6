#!/usr/bin/env bash
# `npm run quickstart`: from a fresh clone to the running platform on the default quickstart shop.
#   install (the missing system packages with apt-get, npm packages) -> Neo4j + Redis -> generate a shop
#   -> validated load -> split -> features -> train -> publish
#   -> GraphQL API (graphrec serve) and the job worker (graphrec worker) in the background.
# Every step is idempotent: re-running resumes the load, keeps the shop, and retrains only without a model.
# `npm run quickstart -- down` stops the API, the worker and the stack.
#
# Scale: GRAPHREC_QUICKSTART_SCALE=small (default: 20k users, 5k products, 200k events; a few minutes here)
# or =brief (the brief's 200k users, 50k products, 2M events; its bulk load into an empty database took 150 s on a
# 2-vCPU machine, docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
g() { node bin/graphrec.cjs "$@"; }

DATA="${GRAPHREC_DATA_DIR:-.data}"
RUN="$DATA/run"
API_PORT="${API_PORT:-4000}"
WORKER_PORT="${WORKER_PORT:-$((API_PORT + 1))}"
mkdir -p "$RUN"

stop_bg() {
  for name in api worker; do
    if [ -f "$RUN/$name.pid" ] && kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then
      kill -TERM "$(cat "$RUN/$name.pid")" && echo "stopped $name (pid $(cat "$RUN/$name.pid"))"
      for _ in $(seq 1 30); do kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null || break; sleep 1; done
    fi
    rm -f "$RUN/$name.pid"
  done
}

if [ "${1:-}" = "down" ]; then
  stop_bg
  g stack down
  exit 0
fi

case "${GRAPHREC_QUICKSTART_SCALE:-small}" in
  small) SIZE=(--users 20000 --products 5000 --interactions 200000) ;;
  brief) SIZE=(--users 200000 --products 50000 --interactions 2000000) ;;
  *) echo "GRAPHREC_QUICKSTART_SCALE must be small or brief" >&2; exit 2 ;;
esac
SHOP="${GRAPHREC_QUICKSTART_DIR:-$DATA/shops/quickstart-${GRAPHREC_QUICKSTART_SCALE:-small}}"

echo "== 1/8 install: missing system packages (apt-get as root; scripts/system-packages.sh), then npm packages"
source scripts/system-packages.sh
install_system_packages || exit 1
[ -d node_modules ] || npm install --no-audit --no-fund
bash scripts/tfjs-native.sh   # native TensorFlow for training where it builds (cached under .cache/); else wasm

echo "== 2/8 start Neo4j 5.26 and Redis 7 (the first run resolves Neo4j from Maven Central: about a minute)"
g stack up

echo "== 3/8 generate the shop into $SHOP"
[ -f "$SHOP/manifest.json" ] || g generate --out "$SHOP" "${SIZE[@]}" --seed 42

echo "== 4/8 validate and load it into Neo4j (resumes where a previous run stopped)"
g etl load --source "$SHOP" --format synthetic --mode auto   # bulk import into an empty local database

echo "== 5/8 time-respecting split and features"
g etl split --source "$SHOP"
g etl features --source "$SHOP"

echo "== 6/8 train (LightGCN with metadata nodes + context ranker, 3-minute budget) and publish"
VERSION="$(g models list --json | node scripts/active-model.cjs)"
if [ -z "$VERSION" ]; then
  # From the graph, not the shop's files (the same data: the split and the load were of this shop): a model trained
  # on the export keeps the users' history snapshot, so a warm user's cache miss asks Neo4j nothing (docs/api.md).
  VERSION="$(g train --model ranker --data neo4j --time-budget 3 --json | node -e '
    process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).version);')"
  g models publish "$VERSION"
else
  echo "model $VERSION is already active (graphrec models list)"
fi

echo "== 7/8 start the GraphQL API on :$API_PORT and the worker on :$WORKER_PORT (logs under $RUN/)"
stop_bg
API_PORT="$API_PORT" nohup node bin/graphrec.cjs serve >"$RUN/api.log" 2>&1 &
echo $! >"$RUN/api.pid"
WORKER_PORT="$WORKER_PORT" REFRESH_DATA="${REFRESH_DATA:-shop:$SHOP}" REFRESH_MODEL="${REFRESH_MODEL:-ranker}" \
  REFRESH_TIME_BUDGET_MIN="${REFRESH_TIME_BUDGET_MIN:-3}" \
  nohup node bin/graphrec.cjs worker >"$RUN/worker.log" 2>&1 &
echo $! >"$RUN/worker.pid"
for _ in $(seq 1 90); do
  curl -fsS "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$(cat "$RUN/api.pid")" 2>/dev/null || { tail -20 "$RUN/api.log"; exit 1; }
  sleep 1
done
curl -fsS "http://127.0.0.1:$API_PORT/readyz" || { tail -20 "$RUN/api.log"; exit 1; }
echo

echo "== 8/8 ask it for recommendations"
USER_ID="$(head -2 "$SHOP/users.csv" | tail -1 | cut -d, -f1)"
curl -fsS "http://127.0.0.1:$API_PORT/graphql" -H 'content-type: application/json' \
  --data "{\"query\":\"{ recommendations(userId: \\\"$USER_ID\\\", first: 5, explain: true) { modelVersion items { product { id name } score sources explanation { text } } } }\"}"
echo
cat <<EOF

graphrec is up on the $(basename "$SHOP") shop:
  GraphQL API      http://127.0.0.1:$API_PORT/graphql   (demo storefront: http://127.0.0.1:$API_PORT/demo)
  metrics          http://127.0.0.1:$API_PORT/metrics, worker http://127.0.0.1:$WORKER_PORT/metrics
  Neo4j Browser    http://127.0.0.1:${NEO4J_HTTP_PORT:-7474}/browser/  (user neo4j, password NEO4J_PASSWORD, local default graphrec-local-dev)
  stop everything  npm run quickstart -- down
EOF
