#!/usr/bin/env bash
# Starts throw-away MariaDB and Redis servers for the .phpt suite (Unix sockets only, in $1) and
# writes their addresses to $1/services.env. Stop them with: test-services.sh stop <dir>
set -euo pipefail
if [ "${1:-}" = stop ]; then
  dir="$2"
  for pidfile in "$dir/mysql.pid" "$dir/redis.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  exit 0
fi
dir="$1"
mkdir -p "$dir"
mariadb-install-db --no-defaults --datadir="$dir/mysql" --auth-root-authentication-method=normal \
  --user="$(id -un)" --skip-test-db >"$dir/mysql-install.log" 2>&1
mariadbd --no-defaults --datadir="$dir/mysql" --socket="$dir/mysql.sock" --skip-networking \
  --user="$(id -un)" --pid-file="$dir/mysql.pid" --log-error="$dir/mysql.err" &
redis-server --port 0 --unixsocket "$dir/redis.sock" --save '' --appendonly no \
  --pidfile "$dir/redis.pid" --daemonize yes --logfile "$dir/redis.log"
for _ in $(seq 1 100); do
  [ -S "$dir/mysql.sock" ] && [ -S "$dir/redis.sock" ] && break
  sleep 0.2
done
[ -S "$dir/mysql.sock" ] || { echo "MariaDB did not start:"; cat "$dir/mysql.err"; exit 1; }
[ -S "$dir/redis.sock" ] || { echo "Redis did not start:"; cat "$dir/redis.log"; exit 1; }
cat >"$dir/services.env" <<ENV
OPA_TEST_MYSQL_SOCKET=$dir/mysql.sock
OPA_TEST_REDIS_SOCKET=$dir/redis.sock
ENV
echo "services ready in $dir"
