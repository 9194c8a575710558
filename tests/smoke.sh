#!/usr/bin/env bash
# Smoke test of a published binary: `minimesos dev`, then `minimesos run` whose output and exit code are checked, and
# dev's app DNS (dig, when installed) answering leader.minimesos.minimesos and an app's name.
# Usage: tests/smoke.sh path/to/minimesos
set -euo pipefail
bin="$(realpath "${1:?usage: smoke.sh path/to/minimesos}")"
token="smoke-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
api_port=$(( 20000 + RANDOM % 10000 )); cluster_port=$(( api_port + 1 )); dns_port=$(( api_port + 2 ))
log="$(mktemp)"
"$bin" dev --token "$token" --port "$api_port" --cluster-port "$cluster_port" --dns-port "$dns_port" >"$log" 2>&1 &
dev=$!
cleanup() { kill -TERM "$dev" 2>/dev/null || true; wait "$dev" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT
for _ in $(seq 1 100); do grep -q "minimesos dev is ready" "$log" && break; sleep 0.1; done
grep -q "minimesos dev is ready" "$log" || { echo "smoke: dev did not become ready:"; cat "$log"; exit 1; }

set +e
out="$("$bin" run --token "$token" --master "127.0.0.1:$api_port" -- sh -c 'echo hello; exit 3')"
code=$?
set -e
[ "$code" = 3 ] || { echo "smoke: run exited $code, expected 3"; cat "$log"; exit 1; }
[ "$out" = hello ] || { echo "smoke: run printed '$out', expected 'hello'"; exit 1; }

# dev answers its apps' names as a master does (docs/dns.md): the leader, and an app once its instance runs.
if command -v dig >/dev/null; then
  q() { dig +short +time=1 +tries=1 -p "$dns_port" @127.0.0.1 "$@" 2>/dev/null || true; }
  [ "$(q leader.minimesos.minimesos A)" = 127.0.0.1 ] || { echo "smoke: dev's DNS did not answer leader.minimesos.minimesos"; cat "$log"; exit 1; }
  ca=$(sed -n 's/.*CA in \([^ ]*\) (curl.*/\1/p' "$log")
  code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"id":"/smoke-dns","cmd":"sleep 299.'$$'","instances":1,"cpus":0.1,"mem":16}' "https://127.0.0.1:$api_port/v2/apps")
  [ "$code" = 201 ] || { echo "smoke: POST /v2/apps answered $code"; exit 1; }
  for _ in $(seq 1 100); do [ -n "$(q smoke-dns.minimesos.minimesos A)" ] && break; sleep 0.1; done
  [ -n "$(q smoke-dns.minimesos.minimesos A)" ] || { echo "smoke: dev's DNS has no A record for the running app smoke-dns"; cat "$log"; exit 1; }
  echo "smoke: dev's app DNS: leader and smoke-dns.minimesos.minimesos -> $(q smoke-dns.minimesos.minimesos A | paste -sd' ')"
fi

# A task still running when dev stops must not outlive it (dev is throw-away).
# The marker is the command's own argv (a pre-started init carries no task argv on its command line).
marker="sleep 300.$$$RANDOM"
"$bin" run --detach --name lingering --token "$token" --master "127.0.0.1:$api_port" -- sh -c "exec $marker" >/dev/null
for _ in $(seq 1 50); do pgrep -f "$marker" >/dev/null && break; sleep 0.1; done
pgrep -f "$marker" >/dev/null || { echo "smoke: the long task never started"; cat "$log"; exit 1; }

# A command over HTTPS refused at once (nothing listens on port 1) exits while OpenSSL may still be starting on the CLI's
# warm-up thread: its own exit code every time, never a crash at exit (it was a segfault about 1 in 8 once).
crashes=""
for _ in $(seq 1 100); do
  set +e; "$bin" status --token "$token" --master 127.0.0.1:1 >/dev/null 2>&1; c=$?; set -e
  [ "$c" = 1 ] || crashes="$crashes $c"
done
[ -z "$crashes" ] || { echo "smoke: a refused HTTPS command exited with$crashes instead of 1"; exit 1; }
start=$(date +%s%N); "$bin" --help >/dev/null; end=$(date +%s%N)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$dev/status")
kill -TERM "$dev"; dev_code=0; wait "$dev" || dev_code=$?
[ "$dev_code" = 0 ] || { echo "smoke: dev exited $dev_code after SIGTERM"; cat "$log"; exit 1; }
grep -q "master shutting down" "$log" || { echo "smoke: no clean shutdown line"; cat "$log"; exit 1; }
sleep 0.5
if pgrep -f "$marker" >/dev/null; then echo "smoke: a task outlived minimesos dev"; pgrep -af "$marker"; pkill -9 -f "$marker"; exit 1; fi
if pgrep -f "^$bin __task-init" >/dev/null; then echo "smoke: a task init (waiting or not) outlived minimesos dev"; pgrep -af "^$bin __task-init"; pkill -9 -f "^$bin __task-init"; exit 1; fi
echo "smoke: ok (run exit 3 + output; 100 refused HTTPS commands exit 1; no task outlives dev; --help $(( (end - start) / 1000000 )) ms; dev idle RSS ${rss} KiB; SIGTERM exit 0)"
