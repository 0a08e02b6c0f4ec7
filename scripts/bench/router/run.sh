#!/usr/bin/env bash
# Router benchmark: added latency over querying a replica directly (p50/p99, instant and range
# queries) and failover time from SIGKILL of the answering replica to the first answer from the
# survivor. Two real Prometheus servers (Debian package) scrape node_exporter every second; the
# router (release build) runs in failover mode in front of them.
#
#   scripts/bench/router/run.sh [REQUESTS]     (default 2000 per case)
set -euo pipefail
cd "$(dirname "$0")/../../.."
N=${1:-2000}
for b in /usr/bin/prometheus /usr/bin/prometheus-node-exporter python3; do
  command -v "$b" >/dev/null || { echo "SKIP: $b not installed"; exit 0; }
done
swift build -c release --product promfleet 2>&1 | tail -1
BIN=$(swift build -c release --show-bin-path)/promfleet

WORK=$(mktemp -d /tmp/promfleet-bench-router.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

NE=$(port); PA=$(port); PB=$(port); PR=$(port)
/usr/bin/prometheus-node-exporter --web.listen-address=127.0.0.1:$NE >/dev/null 2>&1 & PIDS+=($!)
for r in a b; do
  mkdir -p "$WORK/$r"
  cat > "$WORK/$r/prometheus.yml" <<YML
global: {scrape_interval: 1s, scrape_timeout: 900ms, external_labels: {replica: $r}}
scrape_configs: [{job_name: node, static_configs: [{targets: ['127.0.0.1:$NE']}]}]
YML
done
/usr/bin/prometheus --config.file="$WORK/a/prometheus.yml" --storage.tsdb.path="$WORK/a/data" \
  --web.listen-address=127.0.0.1:$PA --log.level=error >/dev/null 2>&1 & PIDA=$!; PIDS+=($PIDA)
/usr/bin/prometheus --config.file="$WORK/b/prometheus.yml" --storage.tsdb.path="$WORK/b/data" \
  --web.listen-address=127.0.0.1:$PB --log.level=error >/dev/null 2>&1 & PIDS+=($!)
cat > "$WORK/router.yml" <<YML
listen_address: "127.0.0.1:$PR"
mode: failover
probe_interval: 1s
groups:
- name: shard-0
  scrape_interval: 1s
  members:
  - {name: a, replica: a, url: "http://127.0.0.1:$PA"}
  - {name: b, replica: b, url: "http://127.0.0.1:$PB"}
YML
"$BIN" router --config.file "$WORK/router.yml" --log.level error & PIDS+=($!)
for p in $PA $PB $PR; do
  for i in $(seq 100); do curl -sf "http://127.0.0.1:$p/-/ready" >/dev/null && break; sleep 0.2; done
done
sleep 6   # a few scrapes

python3 "$(dirname "$0")/bench.py" "$N" "$PA" "$PB" "$PR" "$PIDA"
