#!/usr/bin/env bash
# cosmpy against the devnet's REST API and gRPC (docs/devnet.md): installs cosmpy from PyPI
# (pinned with its dependencies in devnet/cosmpy/requirements.txt, into the git-ignored
# devnet/cosmpy/.venv; skipped when that file has not changed since), starts `ogpu-devnet`
# on free ports, runs devnet/cosmpy/check.py over both transports, stops the devnet. Needs
# python3 with venv (Debian: python3-venv, which ci/setup.sh installs) and artifacts/ (the
# probe contract) from ci/build-wasm.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c 'import venv, ensurepip' 2>/dev/null || {
  echo "python3 with venv is needed for the cosmpy check (Debian: apt-get install python3-venv)" >&2
  exit 1
}
[ -f artifacts/ogpu_devnet_probe.wasm ] || {
  echo "artifacts/ogpu_devnet_probe.wasm is missing: run bash ci/build-wasm.sh first" >&2
  exit 1
}
venv=devnet/cosmpy/.venv
stamp="${venv}/requirements.sha256"
want=$(sha256sum devnet/cosmpy/requirements.txt | cut -d' ' -f1)
if [ "$(cat "${stamp}" 2>/dev/null)" != "${want}" ]; then
  echo "[cosmpy] installing devnet/cosmpy/requirements.txt into ${venv}"
  rm -rf "${venv}"
  python3 -m venv "${venv}"
  "${venv}/bin/pip" install --quiet --disable-pip-version-check -r devnet/cosmpy/requirements.txt
  echo "${want}" >"${stamp}"
fi
cargo build -q --locked -p ogpu-devnet

# Three distinct free ports: RPC, REST, gRPC.
read -r rpc rest grpc < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
log=$(mktemp)
target/debug/ogpu-devnet start --rpc-addr "127.0.0.1:${rpc}" --api-addr "127.0.0.1:${rest}" \
  --grpc-addr "127.0.0.1:${grpc}" --block-time 300ms --accounts 2 >"${log}" 2>&1 &
devnet=$!
trap 'kill -INT "${devnet}" 2>/dev/null; wait "${devnet}" 2>/dev/null; rm -f "${log}"' EXIT
ready=false
for _ in $(seq 50); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${rest}/cosmos/base/tendermint/v1beta1/blocks/latest')" 2>/dev/null; then
    ready=true
    break
  fi
  sleep 0.2
done
${ready} || {
  echo "the devnet did not answer on REST port ${rest}:" >&2
  cat "${log}" >&2
  exit 1
}
"${venv}/bin/python" devnet/cosmpy/check.py "http://127.0.0.1:${rest}" "http://127.0.0.1:${grpc}" \
  artifacts/ogpu_devnet_probe.wasm
