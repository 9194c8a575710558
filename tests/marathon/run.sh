#!/usr/bin/env bash
# What a Marathon user runs, against a published binary's `minimesos dev`: curl + jq calls of Marathon's REST API
# (curl-jq.sh) and Debian's python3-marathon client library (python-client.py). Usage: tests/marathon/run.sh path/to/minimesos
set -euo pipefail
bin="$(realpath "${1:?usage: run.sh path/to/minimesos}")"
here="$(dirname "$0")"
token="marathon-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
api_port=$(( 20000 + RANDOM % 10000 )); cluster_port=$(( api_port + 1 ))
log="$(mktemp)"
"$bin" dev --token "$token" --port "$api_port" --cluster-port "$cluster_port" --listen 127.0.0.1 >"$log" 2>&1 &
dev=$!
cleanup() { kill -TERM "$dev" 2>/dev/null || true; wait "$dev" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT
for _ in $(seq 1 100); do grep -q "minimesos dev is ready" "$log" && break; sleep 0.1; done
grep -q "minimesos dev is ready" "$log" || { echo "marathon: dev did not become ready:"; cat "$log"; exit 1; }
# HTTPS with the dev cluster's CA, as a user would: curl reads CURL_CA_BUNDLE, python3-marathon (requests) REQUESTS_CA_BUNDLE.
ca="$(sed -n 's/.*CA in \(.*\) (curl --cacert).*/\1/p' "$log" | head -1)"
[ -s "$ca" ] || { echo "marathon: dev printed no CA file:"; cat "$log"; exit 1; }
export CURL_CA_BUNDLE="$ca" REQUESTS_CA_BUNDLE="$ca"
url="https://127.0.0.1:$api_port"
"$here/curl-jq.sh" "$url" "$token" || { echo "marathon: curl-jq failed; dev log:"; tail -50 "$log"; exit 1; }
/usr/bin/python3 "$here/python-client.py" "$url" "$token" || { echo "marathon: python-client failed; dev log:"; tail -50 "$log"; exit 1; }
