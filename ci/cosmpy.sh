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
# shellcheck source=ci/lib/devnet.sh
. ci/lib/devnet.sh
devnet_up --accounts 2
"${venv}/bin/python" devnet/cosmpy/check.py "${DEVNET_API}" "${DEVNET_GRPC}" \
  artifacts/ogpu_devnet_probe.wasm
