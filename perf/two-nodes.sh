#!/usr/bin/env bash
# Two kamiflow nodes on ONE PostgreSQL database behind HAProxy, driven by the shared bench's Driver (its checks, its
# CPU and pg_stat_database accounting), plus what the bench does not measure: CPU per order of the checkout phase,
# WAL bytes per order, connections open and busy, each node's share of the work.
#
#   perf/two-nodes.sh [N] [C]          # N orders after the warm-up (default 1000), C threads (default 16; a list
#                                      # like 16,64 runs a round per C on the same nodes, as the bench does)
#   NODES=1 perf/two-nodes.sh 1000 16  # the same path with one node behind the same HAProxy, for comparison
# env: PROJECT_JAR=jar (skip the build), WARMUP (default min(3N, 3000)), TIMEOUT_S (180), JAVA_OPTS (-Xms512m -Xmx2g,
#      per node), KAMIFLOW_ARGS (extra --options for every node), KEEP_WORK=1, BENCH_DIR (default ../shared/bench)
#
# On a 2-core machine both nodes, HAProxy, PostgreSQL, the sink and the driver share the same two cores: this shows
# that two nodes on one database deliver every order once and what an order costs in CPU, WAL, commits and
# connections; it cannot show scale-out (docs/capacity.md).
set -u
N=${1:-1000}
C=${2:-16}
NODES=${NODES:-2}
[ "$NODES" = 1 ] || [ "$NODES" = 2 ] || { echo "NODES is 1 or 2" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_DIR:-$(cd "$repo/../shared/bench" 2>/dev/null && pwd)}
[ -f "$bench/driver/pom.xml" ] || { echo "no bench at $bench (set BENCH_DIR)" >&2; exit 2; }
WARMUP=${WARMUP:-$(( 3 * N < 3000 ? 3 * N : 3000 ))}
TIMEOUT_S=${TIMEOUT_S:-180}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx2g}
work=$(mktemp -d -t kamiflow-two-nodes.XXXXXX)
stamp=$(date +%s)
role=kamibench
db=kamibench_2n_${stamp}_$$
slot=kamibench_2n_${stamp}_$$
admin_pass=bench-admin-pass-$stamp
secret=bench-sandbox-secret-$stamp
started=$(date +%s)
pids=()
sampler_pid=
rc=1

log() { printf '[two-nodes %3ds] %s\n' $(( $(date +%s) - started )) "$*" >&2; }
. "$(dirname "$0")/lib.sh"

cleanup() {
  local pid
  touch "$work/stop-sampler"
  [ -n "$sampler_pid" ] && wait "$sampler_pid" 2>/dev/null
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  psql_su "select pg_drop_replication_slot('$slot') from pg_replication_slots where slot_name = '$slot'" >/dev/null 2>&1
  su postgres -c "dropdb --if-exists --force $db" >/dev/null 2>&1
  if [ "${KEEP_WORK:-}" = 1 ] || [ "$rc" != 0 ]; then log "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v haproxy >/dev/null || die "haproxy is not installed (Debian: apt-get install haproxy)"
psql_su "select 1" >/dev/null || die "PostgreSQL is not reachable as postgres"
if [ "$(psql_su "select count(*) from pg_roles where rolname='$role'")" = 0 ]; then
  psql_su "create role $role login password '$role'" || die "cannot create role $role"
fi

# --- builds: kamiflow, and a private copy of the bench's driver (the shared folder is never written) ----------------
if [ -n "${PROJECT_JAR:-}" ]; then
  kjar=$PROJECT_JAR
else
  log "building kamiflow in $repo"
  (cd "$repo" && ./mvnw -q -B -DskipTests package) >"$work/build-kamiflow.log" 2>&1 \
    || { tail -30 "$work/build-kamiflow.log"; die "kamiflow build failed"; }
  kjar=$(ls "$repo"/target/*.jar 2>/dev/null | grep -v '\.original$' | head -1)
fi
[ -f "$kjar" ] || die "no kamiflow jar (looked for $kjar)"
drv=$repo/target/two-nodes-driver
if [ ! -f "$drv/target/classes/bench/Driver.class" ] || [ -n "$(find "$bench/driver/src" "$bench/driver/pom.xml" -newer "$drv/target/classes/bench/Driver.class" 2>/dev/null)" ]; then
  log "building the bench's driver in $drv"
  rm -rf "$drv" && mkdir -p "$drv" && cp -r "$bench/driver/src" "$bench/driver/pom.xml" "$drv/"
  (cd "$drv" && ${MVN:-mvn} -q -B package) >"$work/build-driver.log" 2>&1 || { tail -30 "$work/build-driver.log"; die "driver build failed"; }
fi
cp="$drv/target/classes:$drv/target/lib/*"

# --- SMTP sink (the bench's bench.Sink: GreenMail standalone with TCP_NODELAY) ------------------------------------------
smtp=$(free_port 15025)
mailapi=$(free_port 15080)
java -Xmx512m -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$smtp" -Dgreenmail.api.hostname=127.0.0.1 \
  -Dgreenmail.api.port="$mailapi" -Dgreenmail.auth.disabled -cp "$drv/target/classes:$drv/target/sink/greenmail-standalone.jar" \
  bench.Sink >"$work/sink.log" 2>&1 &
sink_pid=$!
pids+=("$sink_pid")
wait_http "http://127.0.0.1:$mailapi/api/service/readiness" "$sink_pid" 60 || { tail -20 "$work/sink.log"; die "SMTP sink did not start"; }

# --- one database, the nodes on it (same keys and secrets), HAProxy in front -----------------------------------------
su postgres -c "createdb -O $role $db" || die "cannot create database $db"
dboid=$(psql_su "select oid from pg_database where datname = '$db'")
aes=$(rand32)
fpr=$(rand32)
node_pids=()
node_ports=()
node_mgmt=()
for i in $(seq 1 "$NODES"); do
  port=$(free_port $(( 18480 + 10 * i )))
  mgmt=$(free_port $(( 18580 + 10 * i )))
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$kjar" --server.port="$port" --management.server.port="$mgmt" \
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$db?ApplicationName=node$i" \
    --spring.datasource.username=$role --spring.datasource.password=$role \
    --camunda.bpm.admin-user.id=admin --camunda.bpm.admin-user.password="$admin_pass" \
    --kamiflow.payment.sandbox.secret="$secret" --spring.mail.host=127.0.0.1 --spring.mail.port="$smtp" \
    --kamiflow.dev.enabled=false --kamiflow.crypto.active-key-id=bench --kamiflow.crypto.keys.bench="$aes" \
    --kamiflow.crypto.fingerprint-key="$fpr" ${KAMIFLOW_ARGS:-} >"$work/node$i.log" 2>&1 &
  node_pids+=("$!")
  pids+=("$!")
  node_ports+=("$port")
  node_mgmt+=("$mgmt")
  # one after the other: the second waits on the start-up lock anyway, and two JIT warm-ups at once on 2 cores
  # only make both slower
  wait_http "http://127.0.0.1:$mgmt/actuator/health/readiness" "$!" 240 \
    || { tail -40 "$work/node$i.log"; die "node$i did not become ready"; }
  log "node$i ready on :$port (management :$mgmt), pid $!, database $db"
done

lb=$(free_port 18480)
stats=$(free_port 18479)
{
  cat <<EOF
global
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    retries 2
    option redispatch 1
# No X-Forwarded-For: the nodes see HAProxy's loopback address, which the bench's limits exempt as for a direct run
frontend shop
    bind 127.0.0.1:$lb
    default_backend kamiflow
backend kamiflow
    balance roundrobin
    option httpchk
    http-check send meth GET uri /actuator/health/readiness ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
EOF
  for i in $(seq 1 "$NODES"); do
    echo "    server node$i 127.0.0.1:${node_ports[$((i - 1))]} check port ${node_mgmt[$((i - 1))]} inter 3s fall 2 rise 2"
  done
  cat <<EOF
listen stats
    bind 127.0.0.1:$stats
    stats enable
    stats uri /stats
EOF
} >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg" || die "generated haproxy.cfg is invalid ($work/haproxy.cfg)"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
hap_pid=$!
pids+=("$hap_pid")
wait_http "http://127.0.0.1:$lb/api/products" "$hap_pid" 30 || die "HAProxy does not reach the nodes"
log "HAProxy on :$lb (stats :$stats/stats), $NODES node(s), roundrobin"

# Keep the WAL of the run until it is read (pg_waldump below), whatever checkpoints happen meanwhile
psql_su "select pg_create_physical_replication_slot('$slot', true)" >/dev/null || log "no replication slot: WAL per database may be missing"

# --- sampler: every 0.25 s, CPU ticks of every process, WAL position, commits, connections of the app database -------
pgdata=$(psql_su "show data_directory")
pm_pid=$(head -1 "$pgdata/postmaster.pid")
T=0
ticks_of() { # sets T to utime+stime of pid $1 (0 when gone); no fork
  local s
  T=0
  read -r s 2>/dev/null <"/proc/$1/stat" || return 0
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  T=$(( ${12} + ${13} ))
}
sampler() { # names... = pids...; writes $work/samples.tsv
  local names=("$@") line busy total cpu u n s i w q sq st rest pg c mine
  coproc PSQL { su postgres -c "psql -qAtX -d $db"; }
  while [ ! -e "$work/stop-sampler" ]; do
    read -r cpu u n s i w q sq st rest </proc/stat
    busy=$(( u + n + s + q + sq + st )); total=$(( busy + i + w ))
    line="${EPOCHREALTIME}	$busy	$total"
    for name in "${names[@]}"; do ticks_of "${name#*=}"; line+="	$T"; done
    ticks_of "$pm_pid"; pg=$T
    read -r c 2>/dev/null <"/proc/$pm_pid/task/$pm_pid/children"
    for i in $c; do ticks_of "$i"; pg=$(( pg + T )); done
    line+="	$pg"
    echo "select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, pg_current_wal_lsn(),
      (select xact_commit from pg_stat_database where datname = current_database()),
      count(*) filter (where application_name like 'node%'), count(*) filter (where application_name like 'node%' and state <> 'idle'),
      count(*) filter (where application_name = 'node1'), count(*) filter (where application_name = 'node2'),
      (select string_agg(case when datname is null then 'a' else 'b' end || pid, ' ') from pg_stat_activity
        where pid <> pg_backend_pid() and (datname = current_database() or backend_type in ('checkpointer', 'background writer', 'walwriter')))
      from pg_stat_activity where datname = current_database();" >&"${PSQL[1]}"
    read -r -t 5 rest <&"${PSQL[0]}" || rest="|||||||"
    # CPU of this database's backends (b) and of the writers every database shares (a), pid by pid: a sum over all
    # postgres processes drops whenever another database's backend exits, which on a shared server is all the time
    mine=""
    for i in ${rest##*|}; do ticks_of "${i:1}"; mine+=" ${i}:$T"; done
    rest=${rest%|*}
    echo "$line	${rest//|/	}	$mine"
    sleep 0.25
  done >"$work/samples.tsv"
  echo '\q' >&"${PSQL[1]}"
}

# --- drive through HAProxy ---------------------------------------------------------------------------------------------
watch=()
for i in $(seq 1 "$NODES"); do watch+=("node$i=${node_pids[$((i - 1))]}"); done
watch+=("haproxy=$hap_pid" "sink=$sink_pid")
log "driving N=$N C=$C warm-up $WARMUP through HAProxy"
java -Xmx1g -cp "$cp" bench.Driver --app=kamiflow --base-url="http://127.0.0.1:$lb" \
  --jdbc-url="jdbc:postgresql://127.0.0.1:5432/$db" --db-user=$role --db-password=$role \
  --admin-user=admin --admin-password="$admin_pass" --secret="$secret" --n="$N" --c="$C" --warmup="$WARMUP" \
  --timeout-s="$TIMEOUT_S" --mail-api="http://127.0.0.1:$mailapi" --results="$work/results.tsv" \
  --pids="$(IFS=,; echo "${watch[*]}")" >"$work/driver.out" 2>"$work/driver.err" &
drv_pid=$!
pids+=("$drv_pid")
sampler "${watch[@]}" "driver=$drv_pid" &
sampler_pid=$!
wait "$drv_pid"
rc_d=$?
touch "$work/stop-sampler"
wait "$sampler_pid"
cat "$work/driver.out" >&2
[ "$rc_d" = 0 ] || { tail -20 "$work/driver.err" >&2; log "the driver failed (rc=$rc_d)"; }
for i in $(seq 1 "$NODES"); do
  grep -q OutOfMemoryError "$work/node$i.log" && { log "node$i logged an OutOfMemoryError"; rc_d=1; }
done

# --- the measured round's windows, from the database; WAL of this database from pg_waldump; HAProxy's split ----------
for c in ${C//,/ }; do
  su postgres -c "psql -qAtX -d $db -c \"select 'e2e', $c, extract(epoch from min(y.received_at)), extract(epoch from max(o.delivered_at)), count(*)
    from customer_order o join product p on p.id = o.product_id join payment y on y.order_no = o.order_no where p.sku like 'C${c}R%'\"" \
    >>"$work/windows.txt"
  su postgres -c "psql -qAtX -d $db -c \"select 'checkout', $c, extract(epoch from min(o.created_at)), extract(epoch from max(o.created_at)), count(*)
    from customer_order o join product p on p.id = o.product_id where p.sku like 'C${c}R%'\"" >>"$work/windows.txt"
done
curl -sf "http://127.0.0.1:$stats/stats;csv" >"$work/haproxy-stats.csv" || true
waldump=$(ls /usr/lib/postgresql/*/bin/pg_waldump 2>/dev/null | tail -1)
echo "$dboid" >"$work/dboid"
chmod 755 "$work"
python3 - "$work" "$N" "${C//,/ }" "$NODES" "$waldump" "$pgdata" <<'PY' || rc_d=1
import re, subprocess, sys, os
work, n, cs, nodes, waldump, pgdata = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3].split()], int(sys.argv[4]), sys.argv[5], sys.argv[6]
names = [f"node{i}" for i in range(1, nodes + 1)] + ["haproxy", "sink", "driver"]
rows = []
for line in open(f"{work}/samples.tsv"):
    f = line.rstrip("\n").split("\t")
    try:
        t = float(f[0]); busy, total = int(f[1]), int(f[2])
        procs = [int(x) for x in f[3:3 + len(names)]]
        pg = int(f[3 + len(names)])
        wal, lsn, commits, conns, active = int(f[4 + len(names)]), f[5 + len(names)], int(f[6 + len(names)]), int(f[7 + len(names)]), int(f[8 + len(names)])
        per_node = [int(x) for x in f[9 + len(names):9 + len(names) + 2]]
        pidticks = {x.split(":")[0]: int(x.split(":")[1]) for x in f[11 + len(names)].split()}
    except (ValueError, IndexError):
        continue
    rows.append(dict(t=t, busy=busy, total=total, procs=procs, pg=pg, wal=wal, lsn=lsn, commits=commits, conns=conns, active=active,
                     per_node=per_node, pidticks=pidticks))
windows = {}
for line in open(f"{work}/windows.txt"):
    k, cc, a, b, cnt = line.strip().split("|")
    windows[(k, int(cc))] = (float(a), float(b), int(cnt))

def at(t, get):  # linear interpolation of a cumulative counter at time t
    prev = rows[0]
    for r in rows:
        if r["t"] >= t:
            if r is prev or r["t"] == prev["t"]:
                return get(r)
            w = (t - prev["t"]) / (r["t"] - prev["t"])
            return get(prev) + w * (get(r) - get(prev))
        prev = r
    return get(rows[-1])

def pg_ticks(a, b, kind):
    """CPU ticks of postgres processes of a kind ('b' backends of this database, 'a' shared writers) between a and b:
    per pid, last value seen up to b minus first value seen from a (0 when it started inside the window)."""
    first, last = {}, {}
    before = [r for r in rows if r["t"] <= a]
    start = before[-1]["pidticks"] if before else {}
    for r in rows:
        if a < r["t"] <= b + 0.3:
            for pid, v in r["pidticks"].items():
                if pid[0] == kind:
                    last[pid] = v
    return sum(v - start.get(pid, 0) for pid, v in last.items() if v >= start.get(pid, 0))

def per_order(a, b, get, orders):
    return (at(b, get) - at(a, get)) / orders

def lsn_around(a, b):
    before = [r for r in rows if r["t"] <= a] or rows[:1]
    after = [r for r in rows if r["t"] >= b] or rows[-1:]
    return before[-1]["lsn"], after[0]["lsn"], after[0]["wal"] - before[-1]["wal"]

dboid = open(f"{work}/dboid").read().strip()
def wal_of_db(start, end):
    """Bytes of WAL records touching this database's relations, plus the commit records of their transactions."""
    if not waldump:
        return None
    try:
        out = subprocess.run(["su", "postgres", "-c", f"{waldump} -p {pgdata}/pg_wal -s {start} -e {end} 2>/dev/null"],
                             capture_output=True, text=True, timeout=300).stdout
    except Exception:
        return None
    mine, txs, total = 0, set(), 0
    for line in out.splitlines():
        m = re.search(r"len \(rec/tot\):\s*\d+/\s*(\d+), tx:\s*(\d+)", line)
        if not m:
            continue
        size, tx = int(m.group(1)), m.group(2)
        total += size
        if re.search(rf"rel \d+/{dboid}/", line):
            mine += size
            if tx != "0":
                txs.add(tx)
        elif "rel " not in line and tx in txs:
            mine += size
    return mine, total

def measure(c):
    res = {}
    for phase in ("checkout", "e2e"):
        a, b, cnt = windows[(phase, c)]
        cpu = {name: per_order(a, b, lambda r, i=i: r["procs"][i], n) * 10 for i, name in enumerate(names)}
        cpu["postgres"] = pg_ticks(a, b, "b") * 10 / n
        cpu["pg writers"] = pg_ticks(a, b, "a") * 10 / n
        busy = per_order(a, b, lambda r: r["busy"], n) * 10
        cpu["other"] = max(0.0, busy - sum(cpu.values()))
        total = per_order(a, b, lambda r: r["total"], n) * 10
        inside = [r for r in rows if a <= r["t"] <= b] or rows[-1:]
        lsn_a, lsn_b, _ = lsn_around(a, b)
        dbwal = wal_of_db(lsn_a, lsn_b)
        res[phase] = dict(seconds=b - a, cpu=cpu, busy_pct=100 * busy / total if total else 0,
                          commits=per_order(a, b, lambda r: r["commits"], n), wal=per_order(a, b, lambda r: r["wal"], n),
                          dbwal=None if not dbwal or not dbwal[1] else dbwal[0] / dbwal[1] * per_order(a, b, lambda r: r["wal"], n),
                          conns=max(r["conns"] for r in inside), active=max(r["active"] for r in inside),
                          per_node_conns=[max(r["per_node"][j] for r in inside) for j in range(2)])
    # idle cost: the driver's 11 s pause between the last checkout and the first callback
    idle = {}
    cb, ea = windows[("checkout", c)][1], windows[("e2e", c)][0]
    if ea - cb > 4:
        a, b = cb + 1.5, ea - 0.5
        for i, name in enumerate(names):
            idle[name] = (at(b, lambda r, i=i: r["procs"][i]) - at(a, lambda r, i=i: r["procs"][i])) * 10 / (b - a)
        idle["postgres"] = pg_ticks(a, b, "b") * 10 / (b - a)
        idle["pg writers"] = pg_ticks(a, b, "a") * 10 / (b - a)
    return res, idle

drv_lines = {int(x.group(1)): x.group(0) for x in re.finditer(r"\] C=(\d+) N=\d+: .*", open(f"{work}/driver.out").read())}
req_tot = []
head = []
for line in open(f"{work}/haproxy-stats.csv") if os.path.exists(f"{work}/haproxy-stats.csv") else []:
    if line.startswith("# "):
        head = line[2:].strip().split(",")
        continue
    f = line.strip().split(",")
    if len(f) > 1 and f[0] == "kamiflow" and f[1].startswith("node"):
        d = dict(zip(head, f))
        req_tot.append(f"{f[1]} {d.get('req_tot') or d.get('stot')} requests, {d.get('hrsp_2xx')} 2xx, {d.get('hrsp_5xx')} 5xx")

g = lambda d, k: d.get(k, "-")
results = {c: measure(c) for c in cs}
checks = all("all checks passed" in drv_lines.get(c, "") for c in cs)
print()
print(f"kamiflow, {nodes} node(s) on one PostgreSQL database behind HAProxy (roundrobin): N={n}, C={','.join(map(str, cs))}, "
      f"{os.cpu_count()} cores, " + ("all checks passed" if checks else "CHECKS FAILED"))
print()
print("| nodes | C | checkout/s | callbacks/s | e2e/s | paid->delivered p50 / p99 ms | CPU ms/order e2e: node1 | node2 | haproxy | postgres (bench: all) | postgres (this db + writers) | sink | driver | other | machine busy | WAL B/order e2e (this db / cluster) | peak conns open / busy | commits/order e2e | rows ins/upd/del |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for c in cs:
    drv = drv_lines.get(c, "")
    m = re.search(r"checkout ([\d.]+)/s, callback p50 ([\d.]+) ms p99 ([\d.]+) ms, accepted ([\d.]+)/s, e2e ([\d.]+|NaN) orders/s, paid->delivered p50 ([\d.]+|NaN) ms p99 ([\d.]+|NaN) ms", drv)
    cpu_drv = dict(re.findall(r" (node\d|haproxy|sink|driver|postgres|other) ([\d.]+)[,;]", drv.split("CPU ms/order in the e2e window:")[-1])) if "CPU ms/order" in drv else {}
    pgm = re.search(r"([\d.]+) commits, ([\d.]+) rollbacks, rows inserted ([\d.]+), updated ([\d.]+), deleted ([\d.]+)", drv)
    busy_drv = re.search(r"machine (\d+)% busy", drv)
    e = results[c][0]["e2e"]
    print(f"| {nodes} | {c} | {m.group(1) if m else '-'} | {m.group(4) if m else '-'} | {m.group(5) if m else '-'} | {m.group(6) if m else '-'} / {m.group(7) if m else '-'} | "
          f"{g(cpu_drv,'node1')} | {g(cpu_drv,'node2')} | {g(cpu_drv,'haproxy')} | {g(cpu_drv,'postgres')} | {e['cpu']['postgres'] + e['cpu']['pg writers']:.1f} | {g(cpu_drv,'sink')} | {g(cpu_drv,'driver')} | {g(cpu_drv,'other')} | "
          f"{busy_drv.group(1) + '%' if busy_drv else '-'} | {'-' if e['dbwal'] is None else round(e['dbwal'])} / {round(e['wal'])} | {e['conns']} / {e['active']} | "
          f"{pgm.group(1) if pgm else '-'} | {pgm.group(3) + '/' + pgm.group(4) + '/' + pgm.group(5) if pgm else '-'} |")
print()
print("Per phase, from this script's samples (0.25 s, /proc and pg_stat_database; checkout = first to last order created, "
      "e2e = first payment received to last delivered; CPU ms per order):")
print()
print("| C | phase | seconds | " + " | ".join(names) + " | postgres (this db's backends) | pg writers | other | machine busy | commits/order | WAL B/order this db | WAL B/order cluster | peak conns open / busy (node1, node2 open) |")
print("|---|---|---|" + "---|" * (len(names) + 8))
for c in cs:
    for phase in ("checkout", "e2e"):
        r = results[c][0][phase]
        print(f"| {c} | {phase} | {r['seconds']:.1f} | " + " | ".join(f"{r['cpu'][k]:.2f}" for k in names)
              + f" | {r['cpu']['postgres']:.2f} | {r['cpu']['pg writers']:.2f} | {r['cpu']['other']:.2f} | {r['busy_pct']:.0f}% | {r['commits']:.2f} | "
              + ("-" if r["dbwal"] is None else f"{r['dbwal']:.0f}") + f" | {r['wal']:.0f} | {r['conns']} / {r['active']} ({r['per_node_conns'][0]}, {r['per_node_conns'][1]}) |")
print()
for c in cs:
    if results[c][1]:
        print(f"C={c}: idle cost between checkout and callbacks (CPU ms per second): " + ", ".join(f"{k} {v:.1f}" for k, v in results[c][1].items()))
print("HAProxy, whole run (warm-up included): " + ("; ".join(req_tot) if req_tot else "no stats"))
print("WAL 'this db': records on this database's relations plus their transactions' commit records (pg_waldump); "
      "'cluster': pg_current_wal_lsn difference, which includes other databases' writes on a shared server")
PY
rc=$rc_d
[ "$rc" = 0 ] && log "done in $(( $(date +%s) - started )) s" || log "FAILED (rc=$rc) after $(( $(date +%s) - started )) s"
exit $rc
