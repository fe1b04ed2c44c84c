#!/usr/bin/env bash
# Validates every kind of FHIR resource the HTTP port returns with an offline FHIR R4
# validator (npm `fhir` 4.12.0): starts the built server on free local ports, fetches the
# CapabilityStatement, TerminologyCapabilities, a CodeSystem, a searchset Bundle, the
# Parameters of $lookup, $validate-code (true and false), $subsumes, the ValueSets of
# $expand (filtered, paged, total only) and OperationOutcomes, and fails on any validation
# error.
#
# Needs node and npm (installed with apt-get when missing and running as root), curl, and
# cargo unless CODIFY_BIN names a built binary. Network only to npm (and crates.io for the
# build).
#
# Settings (environment):
#   CODIFY_BIN           a built codify binary to test (skips cargo build)
#   CODIFY_FHIR_TOOLS    where to install the validator (default ~/.cache/codify-fhir-check)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_home="${CODIFY_FHIR_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/codify-fhir-check}"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

say() { printf '== %s\n' "$*"; }
fail() { printf 'fhir-check: %s\n' "$*" >&2; exit 1; }

work_dir="$(mktemp -d)"
server_pid=""
cleanup() {
  local status=$?
  if [[ "$status" != 0 && -s "$work_dir/server.log" ]]; then
    printf 'fhir-check: last lines of the server log:\n' >&2
    tail -n 20 "$work_dir/server.log" >&2
  fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -INT "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work_dir"
}
trap cleanup EXIT

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  [[ "$(id -u)" == 0 ]] || fail "node and npm are required (apt-get install nodejs npm)"
  say "installing node and npm"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
command -v curl >/dev/null || fail "curl is required"

if [[ ! -f "$tools_home/node_modules/fhir/package.json" ]] \
  || ! grep -q '"version": "4.12.0"' "$tools_home/node_modules/fhir/package.json"; then
  say "installing fhir@4.12.0 into $tools_home"
  mkdir -p "$tools_home"
  (cd "$tools_home" && npm install --silent --no-save fhir@4.12.0 >/dev/null)
fi

bin="${CODIFY_BIN:-}"
if [[ -z "$bin" ]]; then
  say "cargo build --release --locked"
  (cd "$repo_root" && cargo build --release --locked --quiet)
  bin="$repo_root/target/release/codify"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
grpc_port="$(free_port)"
http_port="$(free_port)"
say "starting $bin (grpc $grpc_port, http $http_port)"
(cd "$repo_root" && exec "$bin" --listen "127.0.0.1:$grpc_port" --http-listen "127.0.0.1:$http_port" \
  --admin-listen "" --reload-interval 0s --shutdown-delay 0s) >"$work_dir/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$http_port/fhir"
for _ in $(seq 1 600); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "$base/CodeSystem" || true)"
  [[ "$code" == 200 ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server stopped during start-up"
  sleep 0.5
done
[[ "$code" == 200 ]] || fail "the server did not answer /fhir/CodeSystem in time"

icd="http%3A%2F%2Fhl7.org%2Ffhir%2Fsid%2Ficd-10-cm"
hcpcs="http%3A%2F%2Fwww.cms.gov%2FMedicare%2FCoding%2FHCPCSReleaseCodeSets"
cpt="http%3A%2F%2Fwww.ama-assn.org%2Fgo%2Fcpt"
pcs="http%3A%2F%2Fwww.cms.gov%2FMedicare%2FCoding%2FICD10"
vs="%3Ffhir_vs"
fetch() { # name, expected status, path
  local status
  status="$(curl -s -o "$work_dir/$1.json" -w '%{http_code}' "$base/$3")"
  [[ "$status" == "$2" ]] || fail "$1: HTTP $status (expected $2): $(head -c 300 "$work_dir/$1.json")"
}
post() { # name, expected status, path, body
  local status
  status="$(curl -s -o "$work_dir/$1.json" -w '%{http_code}' -H 'Content-Type: application/fhir+json' --data "$4" "$base/$3")"
  [[ "$status" == "$2" ]] || fail "$1: HTTP $status (expected $2): $(head -c 300 "$work_dir/$1.json")"
}
say "fetching each resource kind"
fetch capability-statement 200 'metadata'
fetch terminology-capabilities 200 'metadata?mode=terminology'
fetch code-system 200 'CodeSystem/icd10cm-FY2026'
fetch code-system-bundle 200 'CodeSystem'
fetch lookup-icd 200 "CodeSystem/\$lookup?system=$icd&code=E11.9"
fetch lookup-header 200 "CodeSystem/\$lookup?system=$icd&code=E11"
fetch lookup-hcpcs 200 "CodeSystem/\$lookup?system=$hcpcs&code=J1100"
fetch lookup-cpt 200 "CodeSystem/\$lookup?system=$cpt&code=99213"
fetch lookup-pcs 200 "CodeSystem/\$lookup?system=$pcs&code=0016070"
post lookup-post 200 "CodeSystem/\$lookup" '{"resourceType":"Parameters","parameter":[{"name":"coding","valueCoding":{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"E11.9"}}]}'
fetch validate-true 200 "CodeSystem/\$validate-code?url=$icd&code=E11.9"
fetch validate-false 200 "ValueSet/\$validate-code?url=$icd$vs&code=Z99.999"
fetch subsumes 200 "CodeSystem/\$subsumes?system=$icd&codeA=E11&codeB=E11.9"
fetch expand-filter 200 "ValueSet/\$expand?url=$icd$vs&filter=diab&count=5&offset=5&displayLanguage=en"
fetch expand-all 200 "ValueSet/\$expand?url=$hcpcs$vs&count=5&activeOnly=true&date=2025-11-01"
fetch expand-total 200 "ValueSet/\$expand?url=$cpt$vs&count=0"
post expand-post 200 "ValueSet/\$expand" '{"resourceType":"Parameters","parameter":[{"name":"url","valueUri":"http://hl7.org/fhir/sid/icd-10-cm?fhir_vs"},{"name":"filter","valueString":"asthma"},{"name":"count","valueInteger":3}]}'
fetch outcome-required 400 "CodeSystem/\$lookup?system=$icd"
fetch outcome-not-found 404 "CodeSystem/nope"
fetch outcome-xml 406 'metadata?_format=xml'

say "validating with fhir@4.12.0"
NODE_PATH="$tools_home/node_modules" node "$repo_root/.ci/fhir-validate.js" "$work_dir"/*.json
say "ok"
