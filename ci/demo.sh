#!/usr/bin/env bash
# The main job: a whole OpenGPU market on the embedded devnet. Installs what is missing
# (ci/setup.sh), builds the contracts (ci/build-wasm.sh), then runs `ogpu-demo`: it starts
# the devnet, deploys the suite, registers and starts real provider daemons on the local
# OpenCL device, publishes the task mix (including tasks meant to fail), prints live
# progress, a table per task and per provider, checks conservation of funds, and exits 0
# only if every task reached the end it should.
# Options (passed to ogpu-demo): --providers N (default 4), --tasks M (default 10, at least
# 10), --explorer ADDR (serve the market explorer there while it runs; with --keep-open, after
# it too, until Ctrl-C).
# It installs only what the demo needs (`ci/setup.sh --demo`); the wasm build runs the VM
# checks when cosmwasm-check is installed (the tests' setup installs it) and skips them with
# a note otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh --demo
WASM_CHECK=if-installed bash ci/build-wasm.sh
exec cargo run -q --locked -p ogpu-demo --bin ogpu-demo -- "$@"
