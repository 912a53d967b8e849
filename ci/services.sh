# Sourced by ci/ scripts: throwaway services on loopback for the integration tests, stopped when the script exits.
#   start_redis    starts redis-server on a free port and exports REVO_TEST_REDIS_URL
#   stop_services  stops what was started (install it with: trap stop_services EXIT)

services_dir=""
redis_port=""

start_redis() {
    command -v redis-server >/dev/null || { echo "ci: redis-server is missing (ci/setup installs it)" >&2; return 1; }
    services_dir=${services_dir:-$(mktemp -d)}
    # A port in a range nothing else here uses; the next one if it is taken.
    local port=$((20000 + $$ % 20000))
    for _ in $(seq 1 20); do
        if redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
            --dir "$services_dir" --pidfile "$services_dir/redis.pid" --logfile "$services_dir/redis.log" >/dev/null 2>&1; then
            for _ in $(seq 1 100); do
                if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
                    redis_port=$port
                    export REVO_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
                    return 0
                fi
                sleep 0.02
            done
        fi
        port=$((port + 1))
    done
    echo "ci: could not start redis-server on loopback (log: $services_dir/redis.log)" >&2
    return 1
}

stop_services() {
    if [ -n "$redis_port" ]; then redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; fi
    if [ -n "$services_dir" ]; then rm -rf "$services_dir"; fi
}
