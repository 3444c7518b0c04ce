#!/usr/bin/env bash
# The project's test command (README) and what CI runs (.ci/run):
#   setup (installs what is missing) → rustfmt → clippy -D warnings → wasm build + VM
#   checks + sizes (the devnet tests run that wasm) → every test → CosmJS against the
#   devnet's RPC → cosmpy against its REST API and gRPC → the generated TypeScript clients
#   (fresh, tsc --strict, against the devnet) → the main job (a short market run, the
#   explorer indexing it live) → schema freshness.
# Stops at the first failing step. All host steps share target/ and resolve the same
# features (clippy and test use --all-targets / the test selection; ci/schema.sh builds its
# binaries with a matching selection), so no crate is compiled twice for the host. The
# wasm build uses its own target/wasm.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo_bin="${CARGO_HOME:-${HOME}/.cargo}/bin"
case ":${PATH}:" in *":${cargo_bin}:"*) ;; *) export PATH="${cargo_bin}:${PATH}" ;; esac

# setup.sh installs PoCL: a provider test that finds no OpenCL device is a broken install.
export OGPU_REQUIRE_OPENCL=1
# setup.sh installs Chromium: the explorer's page tests fail instead of skipping without it.
export OGPU_REQUIRE_CHROMIUM=1

timings=()
step() {
  local name=$1
  shift
  printf '\n==> [%s] %s\n' "${name}" "$*"
  local start=${SECONDS}
  if ! "$@"; then
    printf '\n<== [%s] FAILED after %ds: ci/test.sh stops here\n' "${name}" "$((SECONDS - start))" >&2
    exit 1
  fi
  local took=$((SECONDS - start))
  timings+=("$(printf '%-8s %5ds' "${name}" "${took}")")
  printf '<== [%s] ok in %ds\n' "${name}" "${took}"
}

# `cargo test` prints one `test result:` line per test binary; this adds up all of them.
tests() {
  local log rc=0
  log=$(mktemp)
  cargo test --workspace --locked --no-fail-fast 2>&1 | tee "${log}" || rc=$?
  awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^(passed|failed|ignored);?$/) sum[$(i + 1)] += $i; n++ }
       END { printf "\nall tests: %d suites, %d passed, %d failed, %d ignored\n", n, sum["passed;"], sum["failed;"], sum["ignored;"] }' "${log}"
  rm -f "${log}"
  return "${rc}"
}

step setup bash ci/setup.sh
step fmt cargo fmt --all -- --check
step clippy cargo clippy --workspace --all-targets --locked -- -D warnings
step wasm bash ci/build-wasm.sh
step test tests
step cosmjs bash ci/cosmjs.sh
step cosmpy bash ci/cosmpy.sh
step ts bash ci/typescript.sh
step demo bash ci/demo.sh --providers 4 --tasks 10 --explorer 127.0.0.1:0
step schema bash ci/schema.sh --check

printf '\nci/test.sh passed in %ds:\n' "${SECONDS}"
printf '  %s\n' "${timings[@]}"
