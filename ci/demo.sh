#!/usr/bin/env bash
# The main job: a whole market of providers and tasks on the real contracts, end to end.
# Options: --providers N (default 4), --tasks M (default 7). Exit 0 only if every task
# reached the state its scenario expects and funds were conserved.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run -q --locked -p ogpu-testing --example market -- "$@"
