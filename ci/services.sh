# Sourced by ci/ scripts: throwaway services on loopback for the integration tests, stopped when the script exits.
#   start_redis [VAR]  starts redis-server on a free port and exports its URL as VAR (default REVO_TEST_REDIS_URL)
#   start_postgres  initdb + pg_ctl start on a free port; exports REVO_TEST_POSTGRES_URL and REVO_TEST_POSTGRES_CTL,
#                   a script taking stop|start, with which a test makes a real outage
#   stop_services   stops what was started (install it with: trap stop_services EXIT)

services_dir=""
redis_ports=()
postgres_ctl=""

start_redis() {
    local variable=${1:-REVO_TEST_REDIS_URL}
    command -v redis-server >/dev/null || { echo "ci: redis-server is missing (ci/setup installs it)" >&2; return 1; }
    services_dir=${services_dir:-$(mktemp -d)}
    # A port in a range nothing else here uses; the next one if it is taken.
    local port=$((20000 + $$ % 20000 + 100 * ${#redis_ports[@]}))
    for _ in $(seq 1 20); do
        if redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
            --dir "$services_dir" --pidfile "$services_dir/redis-$port.pid" --logfile "$services_dir/redis-$port.log" >/dev/null 2>&1; then
            for _ in $(seq 1 100); do
                if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
                    redis_ports+=("$port")
                    export "$variable=redis://127.0.0.1:$port/0"
                    return 0
                fi
                sleep 0.02
            done
        fi
        port=$((port + 1))
    done
    echo "ci: could not start redis-server on loopback (logs: $services_dir/redis-*.log)" >&2
    return 1
}

start_postgres() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$bin/initdb" ] || { echo "ci: PostgreSQL is missing (ci/setup installs it)" >&2; return 1; }
    services_dir=${services_dir:-$(mktemp -d)}
    local dir="$services_dir/postgres"
    mkdir -p "$dir"
    # PostgreSQL refuses to run as root: its files and processes belong to the postgres user.
    local as=()
    if [ "$(id -u)" -eq 0 ]; then
        chmod 755 "$services_dir"
        chown postgres "$dir"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bin/initdb" -D "$dir/data" --auth=trust --no-sync -U postgres >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
    local port=$((40000 + $$ % 20000))
    postgres_ctl="$services_dir/postgres-ctl"
    for _ in $(seq 1 20); do
        cat >"$postgres_ctl" <<SCRIPT
#!/usr/bin/env bash
# stop | start the test PostgreSQL server (port $port), waiting until it has done so.
# The server must not inherit the caller's descriptors beyond 0-2: a caller that waits for a pipe to close (Foundation's
# Process does) would otherwise wait for the server to exit. TCP only: a Unix socket's path is limited to 107 bytes.
for fd in /proc/\$\$/fd/*; do n=\${fd##*/}; if [ "\$n" -gt 2 ] 2>/dev/null; then eval "exec \$n>&-"; fi; done 2>/dev/null
case "\$1" in
  stop) exec ${as[*]} "$bin/pg_ctl" -D "$dir/data" -w -m fast stop >/dev/null ;;
  start) exec ${as[*]} "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \\
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off" start </dev/null >/dev/null 2>&1 ;;
  *) echo "usage: \$0 stop|start" >&2; exit 64 ;;
esac
SCRIPT
        chmod 755 "$postgres_ctl"
        if "$postgres_ctl" start; then
            export REVO_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
            export REVO_TEST_POSTGRES_CTL="$postgres_ctl"
            return 0
        fi
        port=$((port + 1))
    done
    echo "ci: could not start PostgreSQL on loopback (log: $dir/server.log)" >&2
    postgres_ctl=""
    return 1
}

stop_services() {
    if [ -n "$postgres_ctl" ]; then "$postgres_ctl" stop >/dev/null 2>&1 || true; fi
    for port in "${redis_ports[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
    if [ -n "$services_dir" ]; then rm -rf "$services_dir"; fi
}
