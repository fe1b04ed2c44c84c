#!/usr/bin/env bash
# Regenerates the Python client's protobuf and gRPC code from proto/ with grpcio-tools:
# src/codify_client/v1/codify_pb2.py (messages), codify_pb2.pyi (type stubs) and
# codify_pb2_grpc.py (CodeServiceStub). Commit the result; CI fails when it drifts.
#
#   clients/python/generate.sh [OUT_DIR]     (default: clients/python/src)
#
# Needs a python with the pins of requirements.txt (CODIFY_PYTHON, default python3), e.g.
#   python3 -m venv clients/python/.venv && clients/python/.venv/bin/pip install -r clients/python/requirements.txt
#   CODIFY_PYTHON=clients/python/.venv/bin/python clients/python/generate.sh
set -euo pipefail

client_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$client_dir/../.." && pwd)"
out_dir="${1:-$client_dir/src}"
python="${CODIFY_PYTHON:-python3}"
proto_files=(codify/v1/codify.proto)

# The generated code records the generator's version: use exactly the pinned one.
"$python" - "$client_dir/requirements.txt" <<'PY' || exit 1
import re
import sys
from importlib import metadata

pins = dict(re.findall(r"^([\w.-]+)==(\S+)", open(sys.argv[1]).read(), re.M))
for package in ("grpcio-tools", "protobuf"):
    try:
        installed = metadata.version(package)
    except metadata.PackageNotFoundError:
        installed = "not installed"
    if installed != pins[package]:
        sys.exit(f"generate.sh: {package} {pins[package]} is needed, found {installed} "
                 f"(pip install -r {sys.argv[1]}, or set CODIFY_PYTHON)")
PY

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$repo_root/proto" && "$python" -m grpc_tools.protoc -I . \
  --python_out="$scratch" --pyi_out="$scratch" --grpc_python_out="$scratch" "${proto_files[@]}")

# protoc names modules after the proto path (codify.v1); the package ships them as
# codify_client.v1, so the stub imports its messages relatively.
target="$out_dir/codify_client/v1"
rm -rf "$target"
mkdir -p "$target"
cp "$scratch"/codify/v1/*.py "$scratch"/codify/v1/*.pyi "$target/"
sed -i -E 's/^from codify\.v1 import (\w+_pb2) as /from . import \1 as /' "$target"/*_pb2_grpc.py
if grep -q '^from codify\.' "$target"/*.py "$target"/*.pyi; then
  echo "generate.sh: an import of codify.* was left in $target" >&2
  exit 1
fi
cat >"$target/__init__.py" <<'PY'
"""codify.v1 messages (codify_pb2) and the CodeService stub (codify_pb2_grpc).

Generated from proto/codify/v1/codify.proto by clients/python/generate.sh: do not edit.
"""
PY
echo "generated $target"
