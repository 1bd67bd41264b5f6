# Shell helpers the perf scripts share (sourced, not run). Each script defines its own log() before sourcing.
die() { log "$*"; exit 2; }
psql_su() { su postgres -c "psql -qAtX -c \"$1\""; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while ! port_free "$p"; do p=$((p + 1)); done; echo "$p"; }

# TERM, up to 30 s, then KILL; returns once the process is gone
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

wait_http() { # url pid seconds: 0 once the url answers 2xx, 1 when the pid exits or the time is up
  local i
  for i in $(seq 1 $(( $3 * 2 ))); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# PostgreSQL reachable as postgres, and the login role $1 (password = name) the apps connect with
ensure_role() {
  psql_su "select 1" >/dev/null || die "PostgreSQL is not reachable as postgres"
  if [ "$(psql_su "select count(*) from pg_roles where rolname='$1'")" = 0 ]; then
    psql_su "create role $1 login password '$1'" || die "cannot create role $1"
  fi
}

# kamiflow's jar: PROJECT_JAR, else built from the project $1 (build log in $2); prints its path
kamiflow_jar() {
  if [ -n "${PROJECT_JAR:-}" ]; then realpath "$PROJECT_JAR"; return; fi
  log "building kamiflow"
  (cd "$1" && ./mvnw -q -B -DskipTests package) >"$2" 2>&1 || { tail -30 "$2" >&2; die "build failed"; }
  ls "$1"/target/*.jar | grep -v '\.original$' | head -1
}

# 32 random bytes, base64: a fresh AES or fingerprint key for one run
rand32() { head -c 32 /dev/urandom | base64 -w0; }

# kamiflow's schema in database $2 (Flyway's and Camunda's tables as in production): starts jar $1 against it as
# $PGUSER/$PGPASSWORD on $PGHOST:$PGPORT and stops it as soon as it has started
kamiflow_schema() {
  local jar=$1 db=$2 out app
  out=$(mktemp)
  java -jar "$jar" --spring.datasource.url="jdbc:postgresql://$PGHOST:$PGPORT/$db" \
    --spring.datasource.username="$PGUSER" --spring.datasource.password="$PGPASSWORD" \
    --server.port=0 --management.server.port=0 --kamiflow.dev.sample-product=false > "$out" 2>&1 &
  app=$!
  for _ in $(seq 1 180); do
    grep -q "Started KamiflowApplication" "$out" && break
    kill -0 $app 2>/dev/null || { cat "$out" >&2; rm -f "$out"; die "kamiflow did not start"; }
    sleep 1
  done
  kill $app; wait $app 2>/dev/null || true
  grep -q "Started KamiflowApplication" "$out" || { tail -50 "$out" >&2; rm -f "$out"; die "kamiflow did not start in 3 minutes"; }
  rm -f "$out"
}
