#!/usr/bin/env bash
# Tests the coder's page (src/http/ui/) in a real headless Chromium: starts the built server
# on free local ports, opens http://127.0.0.1:<http port>/ with Selenium and runs
# .ci/browser_test.py (search as you type, paging, a code's detail and history, validation,
# a claim, a note's suggested codes), and fails on any failure or JavaScript error.
#
# Needs chromium and chromium-driver (Debian packages; installed with apt-get when missing
# and running as root), python3 with venv (python3-venv, likewise), curl, and cargo unless
# CODIFY_BIN names a built binary. Network only to Debian's mirror and PyPI (selenium 4.51,
# pinned: newer releases do not install here; SE_OFFLINE=true keeps Selenium Manager from
# downloading a browser or driver).
#
# Settings (environment):
#   CODIFY_BIN                  a built codify binary to test (skips cargo build)
#   CODIFY_BROWSER_TOOLS        where to install selenium (default ~/.cache/codify-browser-check)
#   CODIFY_BROWSER_NEED_SUGGEST=1  fail, rather than skip the note step, when the server
#                               does not implement SuggestCodes (the default once
#                               proto/codify/v1/codify.proto declares it; 0 to skip)
#   CODIFY_BROWSER_SCREENSHOTS  a directory for a screenshot of each step
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_home="${CODIFY_BROWSER_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/codify-browser-check}"
selenium_pin="selenium==4.51.*"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
export SE_OFFLINE=true

say() { printf '== %s\n' "$*"; }
fail() { printf 'browser-check: %s\n' "$*" >&2; exit 1; }

work_dir="$(mktemp -d)"
server_pid=""
cleanup() {
  local status=$?
  if [[ "$status" != 0 && -s "$work_dir/server.log" ]]; then
    printf 'browser-check: last lines of the server log:\n' >&2
    tail -n 20 "$work_dir/server.log" >&2
  fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -INT "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work_dir"
}
trap cleanup EXIT

# --- tools -------------------------------------------------------------------------------

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if ((${#missing[@]})); then
  [[ "$(id -u)" == 0 ]] || fail "missing: ${missing[*]} (apt-get install ${missing[*]})"
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v curl >/dev/null || fail "curl is required"

stamp="$selenium_pin $(python3 -VV | head -1)"
if [[ ! -f "$tools_home/stamp" || "$(cat "$tools_home/stamp")" != "$stamp" ]]; then
  say "installing $selenium_pin into $tools_home"
  rm -rf "$tools_home"
  mkdir -p "$tools_home"
  python3 -m venv "$tools_home/venv"
  "$tools_home/venv/bin/pip" install --quiet "$selenium_pin"
  echo "$stamp" >"$tools_home/stamp"
fi
python="$tools_home/venv/bin/python"
"$python" -c 'import selenium' || fail "selenium incomplete in $tools_home (remove it and retry)"

# --- server ------------------------------------------------------------------------------

bin="${CODIFY_BIN:-}"
if [[ -z "$bin" ]]; then
  say "cargo build --release --locked"
  (cd "$repo_root" && cargo build --release --locked --quiet)
  bin="$repo_root/target/release/codify"
fi
[[ -x "$bin" ]] || fail "no server binary at $bin"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
grpc_port="$(free_port)"
http_port="$(free_port)"
say "starting $bin (grpc $grpc_port, http $http_port)"
(cd "$repo_root" && exec "$bin" --listen "127.0.0.1:$grpc_port" --http-listen "127.0.0.1:$http_port" \
  --admin-listen "" --reload-interval 0s --shutdown-delay 0s) >"$work_dir/server.log" 2>&1 &
server_pid=$!
# The page is served at once; the service answers once the releases are loaded, which the
# FHIR CodeSystem search shows.
code=""
for _ in $(seq 1 600); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/fhir/CodeSystem" || true)"
  [[ "$code" == 200 ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server stopped during start-up"
  sleep 0.5
done
[[ "$code" == 200 ]] || fail "the server did not load its releases in time"

# --- the page ----------------------------------------------------------------------------

# Once the contract has SuggestCodes, the server under test must answer it: no skipping.
if [[ -z "${CODIFY_BROWSER_NEED_SUGGEST:-}" ]] && grep -q 'rpc SuggestCodes' "$repo_root/proto/codify/v1/codify.proto"; then
  export CODIFY_BROWSER_NEED_SUGGEST=1
fi
say "the coder's page in headless $(chromium --version 2>/dev/null | head -1)"
"$python" "$repo_root/.ci/browser_test.py" "http://127.0.0.1:$http_port/" || fail "the browser test failed"

if grep -qiE 'diab|denies chest pain|chronic kidney' "$work_dir/server.log"; then
  fail "the server log holds query or note text"
fi
say "ok"
