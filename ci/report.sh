#!/usr/bin/env bash
# Regenerates the performance report, docs/performance.md: gas of every operation (codes
# pinned and not), its dependence on the task count, throughput with 8 providers, wasm
# sizes and the OpenCL benchmark. A measurement, not a test: run it on a quiet machine.
# Extra arguments go to ogpu-report (e.g. --many-tasks 1000 for a quicker run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh --demo
WASM_CHECK=if-installed bash ci/build-wasm.sh
cargo run --release --locked -p ogpu-demo --bin ogpu-report -- --out docs/performance.md "$@"
echo "wrote docs/performance.md"
