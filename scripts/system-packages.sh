# The Debian packages graphrec needs besides Node 20: the one list, sourced by .ci/run and scripts/quickstart.sh.
#   redis-server             the local Redis 7 (stack/redis.ts runs its own, with AOF under .data/)
#   maven                    resolves Neo4j 5.26 from Maven Central on the first `stack up` (graph/server/pom.xml)
#   openjdk-17-jre-headless  runs Neo4j
#   chromium                 the demo storefront's browser test (test/e2e/demo.int.test.ts, part of `npm test`)
# Each package is needed only when its command is missing, so machines set up another way are left alone.
# scripts/system-packages.test.ts runs these functions against stub commands.

# The missing packages, one a line.
missing_system_packages() {
  command -v redis-server >/dev/null || echo redis-server
  command -v mvn >/dev/null || echo maven
  command -v java >/dev/null || echo openjdk-17-jre-headless
  command -v chromium >/dev/null || echo chromium
}

# apt-get install the missing packages when running as root; otherwise print the command to run and return 1.
install_system_packages() {
  local need
  mapfile -t need < <(missing_system_packages)
  [ ${#need[@]} -eq 0 ] && return 0
  local cmd="apt-get update && apt-get install -y ${need[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "graphrec needs ${need[*]}, and installing them takes root. Run this as root, then run this again:" >&2
    echo "  $cmd" >&2
    return 1
  fi
  if ! command -v apt-get >/dev/null; then
    echo "graphrec needs ${need[*]}, and this machine has no apt-get: install them with its package manager." >&2
    return 1
  fi
  echo "installing ${need[*]} ($cmd)"
  apt-get update -qq || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || return 1
  # Debian's package starts a system-wide redis on 6379; graphrec runs its own, with AOF under .data/.
  if [[ " ${need[*]} " == *" redis-server "* ]] && command -v service >/dev/null; then
    service redis-server stop >/dev/null 2>&1 || true
  fi
}
