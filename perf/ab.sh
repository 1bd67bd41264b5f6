#!/usr/bin/env bash
# Compare two kamiflow jars on a machine whose speed drifts between runs: drives both AT THE SAME TIME, each with its
# own database, SMTP sink, driver and ports, using ../shared/bench (its driver, sink and checks; the baseline is not
# run). Both see the same machine, so their CPU per order (app, sink) and per-order row counts compare; PostgreSQL's
# CPU is shared and its split per app is not meaningful here. Throughput of each is roughly half of a solo run.
#
#   perf/ab.sh old.jar new.jar [N]          # N orders per side after WARMUP (default 2000) warm-up orders, C=16
#   ARGS_B="--kamiflow.x=y" perf/ab.sh a.jar a.jar   # one jar against itself with a setting changed (ARGS_A too)
set -euo pipefail
a=$(realpath "$1"); b=$(realpath "$2"); n=${3:-1000}
bench=${BENCH_DIR:-$(cd "$(dirname "$0")/../../shared/bench" && pwd)}
work=$(mktemp -d -t kamiflow-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A copy of the bench's run.sh that runs only kamiflow, takes its ports from the environment and skips the builds
sed -e "s#^here=.*#here=$bench#" \
    -e 's/free_port 13025/free_port ${SMTP_BASE}/; s/free_port 13080/free_port ${API_BASE}/; s/free_port 18181/free_port ${APP_BASE}/' \
    -e 's/free_port 18191/free_port ${MGMT_BASE}/' \
    -e 's/^run_app baseline /[ -n "${WITH_BASELINE:-}" ] \&\& run_app baseline /' \
    -e '/log "building baseline and driver"/,/driver build failed/ s/^/# /' \
    "$bench/run.sh" > "$work/side.sh"
(cd "$bench/driver" && ${MVN:-mvn} -q -B package) >/dev/null 2>&1

side() { # label jar smtp api app management extra-args
  SMTP_BASE=$3 API_BASE=$4 APP_BASE=$5 MGMT_BASE=$6 KAMIFLOW_ARGS="$7" PROJECT_JAR=$2 WARMUP=${WARMUP:-2000} \
    bash "$work/side.sh" "$n" 16 2>&1 | grep -E "C=16 N=|did not start|failed" | sed "s#^#$1 $(basename "$2"): #" || true
}
side A "$a" 13025 13080 18181 18191 "${ARGS_A:-}" &
sleep 2
side B "$b" 14025 14080 19181 19191 "${ARGS_B:-}" &
wait
