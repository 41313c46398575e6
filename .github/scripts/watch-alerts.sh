#!/usr/bin/env bash
# Watch Alertmanager for MINUTES minutes; exit 1 as soon as a graphrec alert labelled rollback="true" fires.
# Used by the deploy job in .github/workflows/ci.yml. Needs ALERTMANAGER_URL, curl and jq.
set -euo pipefail
minutes="${1:?usage: watch-alerts.sh MINUTES}"
: "${ALERTMANAGER_URL:?set ALERTMANAGER_URL}"
deadline=$(( $(date +%s) + minutes * 60 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  firing=$(curl -sSf --get "${ALERTMANAGER_URL%/}/api/v2/alerts" \
    --data-urlencode 'active=true' --data-urlencode 'silenced=false' --data-urlencode 'inhibited=false' \
    --data-urlencode 'filter=rollback="true"' --data-urlencode 'filter=alertname=~"Graphrec.*"' \
    | jq -r '.[].labels.alertname')
  if [ -n "$firing" ]; then
    echo "rollback alert(s) firing: $(echo "$firing" | sort -u | tr '\n' ' ')" >&2
    exit 1
  fi
  sleep 30
done
echo "no rollback alert in ${minutes} min"
