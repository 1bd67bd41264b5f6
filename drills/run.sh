#!/usr/bin/env bash
# kamiflow failure drills: two nodes on one throwaway PostgreSQL, an SMTP sink the drills stop and start, signed
# sandbox callbacks round-robin to both nodes. Prints a table per drill; exit 0 only without loss or duplicates.
#
# usage: bash drills/run.sh            (from anywhere; builds the jar and the driver first)
# env:   DRILL_SCALE=small|full        small (default): 300 callbacks for 180 keys, 180 orders per fault drill;
#                                      full: 5000 for 3000, 3000 per fault drill
#        DRILLS=a1,d,c,b,e,a2          a subset (a1/a2 flash sale in on-payment/on-checkout mode, b kill -9,
#                                      c PostgreSQL restart, d SMTP down, e SIGTERM); f rolling upgrade
#                                      (not in the default set: it builds a second jar, N+1, see below); g backup
#                                      and restore (only when named, and last: it replaces the database)
#        DRILL_NODE_PORT=28080         the first node port tried (another run on this host: pick another range,
#                                      its nodes may not listen yet when this run looks for free ports)
#        SKIP_BUILD=1                  use target/kamiflow-*.jar and drills/target as they are
#        NEXT_JAR=path                 drill f: use this jar N+1 instead of building it
#        KEEP_WORK=1                   keep node and PostgreSQL logs (kept anyway when a drill fails)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
started=$(date +%s)
log() { printf '[run %4ds] %s\n' $(( $(date +%s) - started )) "$*" >&2; }
die() { log "$*"; exit 2; }

work=$(mktemp -d -t kamiflow-drills.XXXXXX)
chmod 755 "$work"
pgdata=$work/pg
pgsock=$work/sock
pg_pid_started=
rc=2

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres || die "cannot create the user postgres"
  as_pg=(runuser -u postgres --)
else
  as_pg=()
fi

cleanup() {
  local f
  for f in "$work"/*.pid; do
    [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
  done
  if [ -n "$pg_pid_started" ]; then "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1; fi
  if [ "${KEEP_WORK:-}" = 1 ] || [ "$rc" != 0 ]; then log "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while ! port_free "$p"; do p=$((p + 1)); done; echo "$p"; }

# --- builds -------------------------------------------------------------------------------------------------------------
cd "$root" || die "no checkout at $root"
if [ "${SKIP_BUILD:-}" != 1 ]; then
  log "building kamiflow (./mvnw -B -ntp -DskipTests package)"
  ./mvnw -B -ntp -DskipTests package >"$work/build-kamiflow.log" 2>&1 || { tail -30 "$work/build-kamiflow.log"; die "kamiflow build failed"; }
  log "building the drill driver (./mvnw -f drills/pom.xml package)"
  ./mvnw -B -ntp -q -f drills/pom.xml package >"$work/build-drills.log" 2>&1 || { tail -30 "$work/build-drills.log"; die "driver build failed"; }
fi
jar=$(ls "$root"/target/kamiflow-*.jar 2>/dev/null | grep -v '\.original$' | head -1)
[ -f "$jar" ] || die "no kamiflow jar in target/"

# drill f: jar N+1 = this checkout (tracked and untracked files, as they are) + drills/upgrade/*.patch, built apart
next_jar=${NEXT_JAR:-}
if [[ ",${DRILLS:-}," == *,f,* && -z "$next_jar" ]]; then
  next_src=$work/next-src
  mkdir -p "$next_src"
  (git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$next_src") 2>/dev/null \
    || die "cannot copy the checkout for jar N+1"
  for patch in "$root"/drills/upgrade/*.patch; do
    (cd "$next_src" && git apply "$patch") || die "cannot apply $patch"
  done
  log "building jar N+1 ($(basename -a "$root"/drills/upgrade/*.patch | tr '\n' ' ')in $next_src)"
  (cd "$next_src" && ./mvnw -B -ntp -Dmaven.test.skip=true package) >"$work/build-next.log" 2>&1 \
    || { tail -30 "$work/build-next.log"; die "jar N+1 build failed"; }
  next_jar=$(ls "$next_src"/target/kamiflow-*.jar 2>/dev/null | grep -v '\.original$' | head -1)
  [ -f "$next_jar" ] || die "no jar N+1 in $next_src/target"
fi

# --- a PostgreSQL cluster of our own (the machine's own on 5432 is never touched) ---------------------------------------
pgport=$(free_port 25432)
mkdir -p "$pgdata" "$pgsock"
[ "$(id -u)" = 0 ] && chown postgres "$pgdata" "$pgsock"
"${as_pg[@]}" "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust --no-sync -E UTF8 >"$work/initdb.log" 2>&1 \
  || { tail -20 "$work/initdb.log"; die "initdb failed"; }
pgopts="-p $pgport -k $pgsock -c listen_addresses=127.0.0.1 -c max_connections=200"
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -w -l "$pgdata/postgres.log" -o "$pgopts" start >/dev/null \
  || { tail -20 "$pgdata/postgres.log"; die "PostgreSQL did not start"; }
pg_pid_started=1
"${as_pg[@]}" "$pgbin/psql" -qAt -h "$pgsock" -p "$pgport" -U postgres -d postgres \
  -c "CREATE ROLE kamiflow LOGIN PASSWORD 'kamiflow'" -c "CREATE DATABASE kamiflow_drill OWNER kamiflow" >/dev/null \
  || die "cannot create role and database"
log "PostgreSQL $(basename "$(dirname "$pgbin")") on 127.0.0.1:$pgport ($pgdata)"

# --- the driver: SMTP sink, two nodes, the drills ----------------------------------------------------------------------
smtp=$(free_port 23025)
a=$(free_port "${DRILL_NODE_PORT:-28080}"); am=$(free_port $((a + 1)))
b=$(free_port $((am + 1))); bm=$(free_port $((b + 1)))
pg_ctl_cmd="$pgbin/pg_ctl"
[ "$(id -u)" = 0 ] && pg_ctl_cmd="runuser -u postgres -- $pg_ctl_cmd"
java -Xmx512m -cp "$root/drills/target/classes:$root/drills/target/lib/*:$root/target/classes" drill.Drills \
  --jar="$jar" --next-jar="$next_jar" --work="$work" --scale="${DRILL_SCALE:-small}" --only="${DRILLS:-a1,d,c,b,e,a2}" \
  --db-url="jdbc:postgresql://127.0.0.1:$pgport/kamiflow_drill" --db-user=kamiflow --db-password=kamiflow \
  --smtp-port="$smtp" --node-ports="$a,$am,$b,$bm" \
  --pg-ctl="$pg_ctl_cmd" --pg-data="$pgdata" --pg-log="$pgdata/postgres.log" --pg-opts="$pgopts" \
  --pg-bin="$pgbin"
rc=$?
log "done in $(( $(date +%s) - started )) s, exit $rc"
exit $rc
