#!/usr/bin/env bash
# Marathon REST calls as a user scripts them with curl and jq, each answer checked for Marathon's shape.
# Usage: curl-jq.sh URL TOKEN (a running minimesos; apps under /curljq are created and removed).
set -euo pipefail
url="$1"; auth="Authorization: Bearer $2"
fail() { echo "curl-jq: $*"; exit 1; }
api() { curl -sS --max-time 10 -H "$auth" -H "Content-Type: application/json" "$@"; }
code() { curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "$auth" -H "Content-Type: application/json" "$@"; }
wait_for() { # wait_for WHAT JQ-FILTER PATH: until the filter is true of GET PATH (bounded)
  for _ in $(seq 1 150); do [ "$(api "$url$3" | jq -r "$2")" = true ] && return 0; sleep 0.2; done
  fail "$1: not reached; last: $(api "$url$3")"
}
z='test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$")'

[ "$(curl -sS "$url/ping")" = pong ] || fail "/ping"
api "$url/v2/info" | jq -e '.name and .version and (.leader | test(":[0-9]+$")) and .http_config.http_port and .marathon_config and .zookeeper_config' >/dev/null || fail "/v2/info shape"
[ "$(curl -sS -o /dev/null -w "%{http_code}" -H "Authorization: token=$2" "$url/v2/apps")" = 200 ] || fail "token= auth"

api -X POST "$url/v2/apps" -d '{"id":"/curljq/web","cmd":"sleep 300","cpus":0.1,"mem":16,"instances":2,"labels":{"tier":"front"}}' \
  | jq -e ".version | $z" >/dev/null || fail "POST /v2/apps"
wait_for "2 running" '.app.tasksRunning == 2' /v2/apps/curljq/web
api "$url/v2/apps/curljq/web" | jq -e "[.app.tasks[] | (.stagedAt | $z) and (.startedAt | $z)] | all" >/dev/null || fail "task times"
api "$url/v2/apps/curljq/web" | jq -e '.app | has("warnings") or has("unsupportedFields") or has("waiting") | not' >/dev/null || fail "extras in the app"
[ "$(api "$url/v2/apps?label=tier==front&embed=apps.tasks" | jq '.apps[0].tasks | length')" = 2 ] || fail "label selector + embed"
[ "$(api "$url/v2/apps?id=nothing-like-it" | jq '.apps | length')" = 0 ] || fail "id selector"
[ "$(api "$url/v2/groups/curljq" | jq -r '.apps[0].id')" = /curljq/web ] || fail "/v2/groups/ID"
[ "$(code -I "$url/v2/apps/curljq/web")" = 200 ] || fail "HEAD"

err="$(api -X POST "$url/v2/apps" -d '{"id":"/Bad","cpus":"x","mem":-1}')"
jq -e '.message and ([.details[].path] | sort == ["/cmd","/cpus","/id","/mem"])' <<<"$err" >/dev/null || fail "every bad field in details: $err"
[ "$(printf '{"id":"/a","cmd":"\xff"}' | code -X POST "$url/v2/apps" --data-binary @-)" = 400 ] || fail "invalid UTF-8 is a 400"
[ "$(api "$url/v2/apps/curljq/nope" | jq -r .message)" = "App '/curljq/nope' does not exist" ] || fail "404 names the whole id"

task="$(api "$url/v2/apps/curljq/web/tasks" | jq -r '.tasks[0].id')"
api -X DELETE "$url/v2/apps/curljq/web/tasks/$task?scale=true" | jq -e '.deploymentId and .version' >/dev/null || fail "kill and scale"
wait_for "scaled to 1" '.app.instances == 1 and (.app.tasks | length) == 1' /v2/apps/curljq/web
api "$url/v2/apps/curljq/web" | jq -e '.app.versionInfo.lastScalingAt > .app.versionInfo.lastConfigChangeAt' >/dev/null || fail "versionInfo"
[ "$(api "$url/v2/apps/curljq/web/versions" | jq '.versions | length')" -ge 1 ] || fail "versions"

# Version history: a config change keeps the older version, which still answers its own definition.
api -X PUT "$url/v2/apps/curljq/web" -d '{"cmd":"sleep 301"}' | jq -e '.deploymentId' >/dev/null || fail "config change"
[ "$(api "$url/v2/apps/curljq/web/versions" | jq '.versions | length')" -ge 3 ] || fail "versions after a config change"
oldest="$(api "$url/v2/apps/curljq/web/versions" | jq -r '.versions[-1]')"
[ "$(api "$url/v2/apps/curljq/web/versions/$oldest" | jq -r .cmd)" = "sleep 300" ] || fail "an older version's definition"

# Rollback: PUT {"version"} puts a listed version back; an unknown one is Marathon's 404.
api -X PUT "$url/v2/apps/curljq/web" -d '{"version":"'"$oldest"'"}' | jq -e '.deploymentId and .version' >/dev/null || fail "rollback to $oldest"
[ "$(api "$url/v2/apps/curljq/web" | jq -r .app.cmd)" = "sleep 300" ] || fail "rolled back to sleep 300"
[ "$(code -X PUT "$url/v2/apps/curljq/web" -d '{"version":"2001-01-01T00:00:00.000Z"}')" = 404 ] || fail "rollback to an unknown version"

# A user no agent allows is refused at submission, naming the field.
api -X POST "$url/v2/apps" -d '{"id":"/curljq/root","cmd":"true","user":"root"}' | jq -e '.details[0].path == "/user"' >/dev/null || fail "user root refused"

# The fetcher: an archive and a script served on loopback land in the sandbox before the command runs.
files="$(mktemp -d)"
mkdir -p "$files/src/conf" && echo v42 >"$files/src/conf/app.conf" && tar -C "$files/src" -czf "$files/conf.tgz" conf
mkdir -p "$files/src/more" && echo v43 >"$files/src/more/app.conf" && tar -C "$files/src" -cJf "$files/more.tar.xz" more
printf '#!/bin/sh\ngrep -q v42 conf/app.conf && grep -q v43 more/app.conf\n' >"$files/check.sh"
http_port=$(( 30000 + RANDOM % 5000 ))
python3 -m http.server --bind 127.0.0.1 --directory "$files" "$http_port" >/dev/null 2>&1 &
httpd=$!
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$http_port/conf.tgz" && break; sleep 0.1; done
events="$(mktemp)"
curl -sS -N --max-time 8 -H "$auth" -H "Accept: text/event-stream" "$url/v2/events?event_type=deployment_success" >"$events" 2>/dev/null &
sse=$!
sleep 1
api -X POST "$url/v2/apps" -d '{"id":"/curljq/fetch","cmd":"./check.sh && exec sleep 300","cpus":0.1,"mem":16,
  "fetch":[{"uri":"http://127.0.0.1:'"$http_port"'/conf.tgz"},{"uri":"http://127.0.0.1:'"$http_port"'/more.tar.xz"},
  {"uri":"http://127.0.0.1:'"$http_port"'/check.sh","executable":true}]}' \
  | jq -e '.fetch | length == 3' >/dev/null || fail "POST an app with fetch"
wait_for "the fetching app runs" '.app.tasksRunning == 1' /v2/apps/curljq/fetch
wait "$sse" || true
grep '^data: ' "$events" | sed 's/^data: //' | jq -se 'map(select(.eventType == "deployment_success")) | length >= 1' >/dev/null \
  || fail "no deployment_success on /v2/events: $(cat "$events")"
api -X DELETE "$url/v2/apps/curljq/fetch" >/dev/null
kill "$httpd"; wait "$httpd" 2>/dev/null || true
rm -rf "$files" "$events"

events="$(mktemp)"
curl -sS -N --max-time 4 -H "$auth" -H "Accept: text/event-stream" "$url/v2/events?event_type=app_terminated_event" >"$events" 2>/dev/null &
sse=$!
sleep 1
api -X DELETE "$url/v2/apps/curljq/web" | jq -e '.deploymentId' >/dev/null || fail "DELETE app"
wait "$sse" || true
grep -q '^event: app_terminated_event' "$events" || fail "no app_terminated_event on /v2/events: $(cat "$events")"
grep '^data: ' "$events" | sed 's/^data: //' | jq -e 'select(.eventType == "app_terminated_event") | .appId == "/curljq/web"' >/dev/null || fail "event data"
rm -f "$events"
echo "curl-jq: ok"
