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
cargo build -q --locked -p ogpu-devnet

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
target/debug/ogpu-devnet start --rpc-addr "127.0.0.1:${port}" --block-time 300ms --accounts 2 >"${log}" 2>&1 &
devnet=$!
trap 'kill -INT "${devnet}" 2>/dev/null; wait "${devnet}" 2>/dev/null; rm -f "${log}"' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}/health')" 2>/dev/null && break
  sleep 0.2
done
node devnet/cosmjs/check.mjs "http://127.0.0.1:${port}" artifacts/ogpu_devnet_probe.wasm
