#!/usr/bin/env bash
# The project's test command (README), run by CI: installs what is missing, then
# formatting, lints, the wasm build with VM checks, schema freshness, the main job (a
# short market run) and every test.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
  local name=$1
  shift
  printf '\n==> %s\n' "${name}"
  local start=${SECONDS}
  "$@"
  printf '<== %s (%ds)\n' "${name}" "$((SECONDS - start))"
}

step setup bash ci/setup.sh
step fmt cargo fmt --all -- --check
step clippy cargo clippy --workspace --all-targets --locked -- -D warnings
step wasm bash ci/build-wasm.sh
step schema bash ci/schema.sh --check
step demo bash ci/demo.sh --providers 4 --tasks 7
step tests cargo test --workspace --locked
