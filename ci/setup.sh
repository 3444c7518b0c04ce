#!/usr/bin/env bash
# Installs what building and testing the project needs on a Debian machine with rustup:
# rustup components and the wasm target, Debian packages (wasm-opt, OpenCL + PoCL for the
# provider, Chromium for the explorer's page tests) and cosmwasm-check. Checks first and
# installs only what is missing, so on a machine that has everything it changes nothing.
# Safe to run any number of times.
#
#   bash ci/setup.sh          # everything the tests need (ci/test.sh)
#   bash ci/setup.sh --demo   # only what the main job needs (ci/demo.sh): no rustfmt,
#                             # clippy, cosmwasm-check (a 7-8 minute build) or Chromium
set -euo pipefail

# What the main job needs: std's sources and the wasm target for the contracts;
# binaryen (wasm-opt); the OpenCL ICD loader (+ headers) and PoCL, a CPU OpenCL device, for
# the provider daemons (see shared/BUILDING.md, OpenCL).
COMPONENTS=(rust-src)
TARGETS=(wasm32-unknown-unknown)
APT_PACKAGES=(binaryen ocl-icd-opencl-dev pocl-opencl-icd clinfo)
# What only the tests need: the linters; Chromium and a font for its screenshots (the
# explorer's pages are tested in it); Python's venv for cosmpy (ci/cosmpy.sh);
# cosmwasm-check (the wasm step validates every artifact with it; the devnet the demo runs
# validates the wasm it stores itself).
TEST_COMPONENTS=(rustfmt clippy)
TEST_APT_PACKAGES=(chromium fonts-dejavu-core python3-venv)
# 2.2.x does not link on Rust 1.95 (wasmer 4.3 needs __rust_probestack); 3.0.10 does and
# checks 2.x contracts too (shared/BUILDING.md).
COSMWASM_CHECK_VERSION=3.0.10

for_tests=true
case "${1:-}" in
  "") ;;
  --demo) for_tests=false ;;
  *)
    echo "usage: bash ci/setup.sh [--demo]" >&2
    exit 2
    ;;
esac
if ${for_tests}; then
  COMPONENTS+=("${TEST_COMPONENTS[@]}")
  APT_PACKAGES+=("${TEST_APT_PACKAGES[@]}")
fi

say() { printf '[setup] %s\n' "$*"; }

# `cargo install` puts binaries here; make sure they are found even if the profile that
# adds it to PATH was not sourced (CI shells).
cargo_bin="${CARGO_HOME:-${HOME}/.cargo}/bin"
case ":${PATH}:" in *":${cargo_bin}:"*) ;; *) export PATH="${cargo_bin}:${PATH}" ;; esac

if ! command -v rustup >/dev/null; then
  echo "[setup] rustup not found: install Rust with rustup first (https://rustup.rs)" >&2
  exit 1
fi

installed_components=$(rustup component list --installed)
for component in "${COMPONENTS[@]}"; do
  # Installed components are listed as `clippy-x86_64-unknown-linux-gnu`, `rust-src`, ...
  if grep -Eq "^${component}(-|$)" <<<"${installed_components}"; then
    say "rustup component ${component}: present"
  else
    say "rustup component ${component}: installing"
    rustup component add "${component}"
  fi
done

installed_targets=$(rustup target list --installed)
for target in "${TARGETS[@]}"; do
  if grep -qx "${target}" <<<"${installed_targets}"; then
    say "rustup target ${target}: present"
  else
    say "rustup target ${target}: installing"
    rustup target add "${target}"
  fi
done

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q "install ok installed"; then
    say "Debian package ${pkg}: present"
  else
    missing+=("${pkg}")
  fi
done
if ((${#missing[@]})); then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || {
      echo "[setup] not root and no sudo: install ${missing[*]} by hand" >&2
      exit 1
    }
    sudo=(sudo)
  fi
  say "Debian packages ${missing[*]}: installing (apt-get update first)"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! ${for_tests}; then
  say "ready for the demo: $(rustc --version), wasm-opt $(wasm-opt --version | awk '{print $NF}')"
  exit 0
fi

# `cosmwasm-check --version` prints e.g. "Contract checking 3.0.10".
have_check=$(cosmwasm-check --version 2>/dev/null | awk '{print $NF}' || true)
if [ "${have_check}" = "${COSMWASM_CHECK_VERSION}" ]; then
  say "cosmwasm-check ${COSMWASM_CHECK_VERSION}: present"
else
  say "cosmwasm-check ${COSMWASM_CHECK_VERSION}: installing${have_check:+ (found ${have_check})} (a 7–8 minute build on 2 cores)"
  cargo install cosmwasm-check --version "${COSMWASM_CHECK_VERSION}" --locked --force
fi

say "ready: $(rustc --version), wasm-opt $(wasm-opt --version | awk '{print $NF}'), cosmwasm-check $(cosmwasm-check --version | awk '{print $NF}'), $(chromium --version 2>/dev/null)"
