# Sourced by the Redis scripts: uses REDIS_URL if set, else starts redis-server (no persistence) on a
# free loopback port and stops it on exit. Sets REDIS_URL, REDIS_PORT and work (a temporary directory).
work=$(mktemp -d)
if [[ -z "${REDIS_URL:-}" ]]; then
    server=$(command -v redis-server || echo /usr/bin/redis-server)
    [[ -x "$server" ]] || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }
    REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$server" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --dir "$work" --loglevel warning >"$work/redis.log" 2>&1 &
    redis_pid=$!
    trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; rm -rf "$work"' EXIT
    for _ in $(seq 100); do
        redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
        sleep 0.05
    done
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
else
    trap 'rm -rf "$work"' EXIT
    REDIS_PORT=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlparse(sys.argv[1]).port or 6379)' "$REDIS_URL")
fi
