#!/usr/bin/env python3
"""Checks that Cargo.toml's `rust-version` is what the lock file really needs: the highest
`rust-version` among the packages codify builds with (normal, build and dev dependencies,
as resolved in Cargo.lock for this platform). Exits 1 with both figures when they differ."""
import json
import subprocess
import sys


def version_key(text):
    return tuple(int(part) for part in (text.split(".") + ["0", "0"])[:3])


metadata = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--locked", "--format-version", "1", "--filter-platform", "x86_64-unknown-linux-gnu"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
packages = {package["id"]: package for package in metadata["packages"]}
nodes = {node["id"]: node for node in metadata["resolve"]["nodes"]}
root = metadata["resolve"]["root"]
seen, stack = set(), [root]
while stack:
    current = stack.pop()
    if current in seen:
        continue
    seen.add(current)
    stack.extend(dep["pkg"] for dep in nodes[current]["deps"])
declared = packages[root].get("rust_version")
needed = max(
    ((packages[p].get("rust_version") or "0", packages[p]["name"]) for p in seen if p != root),
    key=lambda item: version_key(item[0]),
)
print(f"rust-version declared {declared}; the lock file needs {needed[0]} ({needed[1]})")
if declared is None or version_key(declared) != version_key(needed[0]):
    sys.exit(1)
