#!/usr/bin/env bash
# Regenerates the TypeScript client's code from proto/ with buf and protoc-gen-es v2
# (buf.gen.yaml): gen/codify/v1/codify_pb.ts (messages, enums, the CodeService descriptor
# that Connect calls) and gen/google/rpc/error_details_pb.ts (google.rpc.BadRequest & co,
# from the googleapis copy in third_party/). Commit the result; CI fails when it drifts.
#
#   clients/typescript/generate.sh [OUT_DIR]     (default: clients/typescript; writes OUT_DIR/gen)
#
# Needs the pinned tools of package-lock.json: run `npm ci` in clients/typescript first.
set -euo pipefail

client_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out_dir="${1:-$client_dir}"
cd "$client_dir"

for tool in buf protoc-gen-es; do
  [[ -x "node_modules/.bin/$tool" ]] || {
    echo "generate.sh: node_modules/.bin/$tool is missing (run npm ci in $client_dir)" >&2
    exit 1
  }
done
mkdir -p "$out_dir"
node_modules/.bin/buf generate --template buf.gen.yaml --output "$out_dir"
echo "generated $out_dir/gen"
