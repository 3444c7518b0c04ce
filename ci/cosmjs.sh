#!/usr/bin/env bash
# CosmJS against the devnet (docs/devnet.md): installs @cosmjs with npm (pinned, into
# devnet/cosmjs/node_modules, git-ignored), starts `ogpu-devnet` on a free port, runs
# devnet/cosmjs/check.mjs, stops the devnet. Needs node and npm, and artifacts/ (the
# probe contract) from ci/build-wasm.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "node and npm are needed for the CosmJS check (Debian: apt-get install nodejs npm)" >&2
  exit 1
}
[ -f artifacts/ogpu_devnet_probe.wasm ] || {
  echo "artifacts/ogpu_devnet_probe.wasm is missing: run bash ci/build-wasm.sh first" >&2
  exit 1
}
(cd devnet/cosmjs && npm install --no-audit --no-fund --silent)
# shellcheck source=ci/lib/devnet.sh
. ci/lib/devnet.sh
devnet_up --accounts 2
node devnet/cosmjs/check.mjs "${DEVNET_RPC}" artifacts/ogpu_devnet_probe.wasm
