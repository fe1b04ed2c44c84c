#!/usr/bin/env bash
# Checks the API contract and the generated clients (clients/README.md):
#   1. buf lint (STANDARD + COMMENTS) and buf breaking (WIRE_JSON) against the released contract
#      clients/contract/codify-v1.binpb;
#   2. regenerates the Python and TypeScript clients into a temporary directory and fails
#      on any difference from what is committed (drift), and checks the googleapis copy in
#      clients/typescript/third_party against the googleapis-common-protos release pinned;
#   3. builds the server (cargo build --release --locked), starts it on a free local port,
#      waits for grpc.health.v1 to report codify.v1.CodeService SERVING, runs the Python
#      (pytest) and TypeScript (node:test) client tests and examples against it (the
#      gRPC-Web example against its HTTP port), stops it.
#
# Needs python3 (3.10+) with pip, node 20+ with npm, cargo; network only to PyPI and npm
# (and crates.io for the build). Python tools go to a cache directory outside the repo (a
# venv, or `pip install --target` where python3-venv is missing), reused while
# clients/python/requirements.txt is unchanged; npm ci installs clients/typescript/node_modules.
#
# Settings (environment):
#   CODIFY_CLIENTS_TOOLS   where to install the Python tools (default ~/.cache/codify-clients-check)
#   CODIFY_CLIENTS_NO_VENV=1  skip the venv and use `pip install --target`
#   CODIFY_CLIENTS_PORT    port for the server under test (default: a free one)
#   CODIFY_BIN             a built codify binary to test (skips cargo build)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clients_dir="$repo_root/clients"
ts_dir="$clients_dir/typescript"
tools_home="${CODIFY_CLIENTS_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/codify-clients-check}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_NO_INPUT=1
export PYTHONDONTWRITEBYTECODE=1 npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

say() { printf '== %s\n' "$*"; }
fail() { printf 'clients-check: %s\n' "$*" >&2; exit 1; }

work_dir="$(mktemp -d)"
server_pid=""
cleanup() {
  local status=$?
  if [[ "$status" != 0 && -n "$server_pid" && -s "$work_dir/server.log" ]]; then
    printf 'clients-check: last lines of the server log:\n' >&2
    tail -n 20 "$work_dir/server.log" >&2
  fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work_dir"
}
trap cleanup EXIT

# --- tools -------------------------------------------------------------------------------

install_python_tools() {
  local requirements="$clients_dir/python/requirements.txt"
  local stamp
  stamp="$(sha256sum "$requirements" | cut -d' ' -f1) $(python3 -VV | head -1) no-venv=${CODIFY_CLIENTS_NO_VENV:-0}"
  if [[ -f "$tools_home/stamp" && "$(cat "$tools_home/stamp")" == "$stamp" ]]; then
    return
  fi
  say "installing clients/python/requirements.txt into $tools_home"
  rm -rf "$tools_home"
  mkdir -p "$tools_home"
  if [[ "${CODIFY_CLIENTS_NO_VENV:-0}" != 1 ]] \
    && python3 -m venv "$tools_home/venv" >/dev/null 2>&1 \
    && [[ -x "$tools_home/venv/bin/pip" ]]; then
    "$tools_home/venv/bin/pip" install --quiet -r "$requirements"
    echo venv >"$tools_home/mode"
  else
    # Debian without python3-venv: a plain directory outside the system's packages
    # (so PEP 668's externally-managed guard does not apply).
    rm -rf "$tools_home/venv"
    python3 -m pip --version >/dev/null 2>&1 || fail "python3 -m pip is required (apt-get install python3-pip)"
    python3 -m pip install --quiet --target "$tools_home/site" -r "$requirements"
    echo target >"$tools_home/mode"
  fi
  echo "$stamp" >"$tools_home/stamp"
}

command -v python3 >/dev/null || fail "python3 is required"
command -v npm >/dev/null || fail "node and npm are required"
install_python_tools
if [[ "$(cat "$tools_home/mode")" == venv ]]; then
  export CODIFY_PYTHON="$tools_home/venv/bin/python"
  tools_path=""
else
  export CODIFY_PYTHON=python3
  tools_path="$tools_home/site"
  export PYTHONPATH="$tools_path"
fi
"$CODIFY_PYTHON" -c 'import grpc_tools, grpc_status, grpc_health, pytest' \
  || fail "python tools incomplete in $tools_home (remove it and retry)"

say "npm ci (clients/typescript)"
(cd "$ts_dir" && npm ci --no-audit --no-fund --loglevel=error)
buf="$ts_dir/node_modules/.bin/buf"
echo "buf $("$buf" --version), node $(node --version), $("$CODIFY_PYTHON" -m grpc_tools.protoc --version) (grpcio-tools)"

# --- contract ----------------------------------------------------------------------------

say "buf lint"
(cd "$repo_root" && "$buf" lint) || fail "buf lint found problems in proto/"
echo "buf lint: no findings"

say "buf breaking (WIRE_JSON) against clients/contract/codify-v1.binpb"
(cd "$repo_root" && "$buf" breaking proto --against clients/contract/codify-v1.binpb) \
  || fail "proto/ breaks the released contract (clients/README.md, \"The contract\")"
echo "buf breaking: no breaking changes"

# --- drift -------------------------------------------------------------------------------

say "regenerating the clients (drift check)"
drift=0
check_same() { # committed regenerated what
  if ! diff -r -u -x __pycache__ "$1" "$2" >"$work_dir/drift.diff"; then
    cut -c1-160 "$work_dir/drift.diff" | head -n 60 >&2
    printf 'clients-check: %s drifted from proto/: run %s and commit the result\n' "$1" "$3" >&2
    drift=1
  fi
}
"$clients_dir/python/generate.sh" "$work_dir/generated-python" >/dev/null
check_same "$clients_dir/python/src/codify_client/v1" "$work_dir/generated-python/codify_client/v1" clients/python/generate.sh
"$ts_dir/generate.sh" "$work_dir/generated-typescript" >/dev/null
check_same "$ts_dir/gen" "$work_dir/generated-typescript/gen" clients/typescript/generate.sh
googleapis_copy="$("$CODIFY_PYTHON" -c 'import google.rpc, os; print(os.path.join(google.rpc.__path__[0], "error_details.proto"))')"
if ! cmp -s "$googleapis_copy" "$ts_dir/third_party/googleapis/google/rpc/error_details.proto"; then
  echo "clients-check: clients/typescript/third_party/googleapis/google/rpc/error_details.proto differs from $googleapis_copy (googleapis-common-protos): copy it and run clients/typescript/generate.sh" >&2
  drift=1
fi
[[ "$drift" == 0 ]] || fail "generated clients are out of date"
echo "generated code matches proto/"

# --- server ------------------------------------------------------------------------------

if [[ -n "${CODIFY_BIN:-}" ]]; then
  server_bin="$CODIFY_BIN"
else
  say "cargo build --release --locked"
  (cd "$repo_root" && cargo build --release --locked)
  server_bin="$repo_root/target/release/codify"
fi
[[ -x "$server_bin" ]] || fail "no server binary at $server_bin"

port="${CODIFY_CLIENTS_PORT:-$("$CODIFY_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
export CODIFY_ADDR="127.0.0.1:$port"
http_port="$("$CODIFY_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export CODIFY_HTTP_ADDR="127.0.0.1:$http_port" # gRPC-Web, for examples/grpc-web.ts
say "starting $server_bin on $CODIFY_ADDR (http $CODIFY_HTTP_ADDR)"
(cd "$repo_root" && exec "$server_bin" --listen "$CODIFY_ADDR" --http-listen "$CODIFY_HTTP_ADDR" --admin-listen "") \
  >"$work_dir/server.log" 2>&1 &
server_pid=$!

say "installing the Python client package (pip install clients/python)"
# From a copy: building the package writes build/ and *.egg-info/ beside its sources.
tar -C "$clients_dir" --exclude=.venv --exclude=build --exclude='*.egg-info' --exclude=__pycache__ -cf - python \
  | tar -C "$work_dir" -xf -
"$CODIFY_PYTHON" -m pip install --quiet --no-deps --target "$work_dir/python-package" "$work_dir/python"
python_path="$work_dir/python-package${tools_path:+:$tools_path}"

say "waiting for codify.v1.CodeService to be SERVING"
if ! PYTHONPATH="$python_path" "$CODIFY_PYTHON" - "$server_pid" <<'PY'; then
import sys
import time

import codify_client

server_pid, give_up_at = sys.argv[1], time.monotonic() + 180


def server_running() -> bool:
    try:
        with open(f"/proc/{server_pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


with codify_client.insecure_channel() as channel:
    while True:
        try:
            codify_client.wait_until_serving(channel, timeout=1.0)
            if not server_running():  # something else answers on this port
                sys.exit(f"the server exited, yet {codify_client.target()} answers")
            break
        except TimeoutError as waited:
            if not server_running():
                sys.exit(f"the server exited: {waited}")
            if time.monotonic() >= give_up_at:
                sys.exit(str(waited))
print(f"SERVING on {codify_client.target()}")
PY
  fail "the server did not become ready"
fi

# --- client tests ------------------------------------------------------------------------

say "python client tests"
(cd "$clients_dir/python" && PYTHONPATH="$python_path" "$CODIFY_PYTHON" -m pytest -q -p no:cacheprovider tests)
PYTHONPATH="$python_path" "$CODIFY_PYTHON" "$clients_dir/python/examples/search.py" "heart attack"

say "typescript client tests"
(cd "$ts_dir" && npm test --silent)
(cd "$ts_dir" && node dist/examples/search.js "heart attack")
(cd "$ts_dir" && node dist/examples/grpc-web.js "heart attack") # @connectrpc/connect-web, gRPC-Web

say "stopping the server"
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
[[ "$server_status" == 0 ]] || { tail -n 30 "$work_dir/server.log" >&2; fail "the server exited with status $server_status on SIGTERM"; }

say "clients check passed"
