# Sourced by the client checks (ci/cosmjs.sh, ci/cosmpy.sh, ci/typescript.sh): builds
# ogpu-devnet and starts it on free ports in the background, stopped when the script exits.
#
#   devnet_up [ogpu-devnet start flags...]
#   # sets DEVNET_RPC, DEVNET_API (REST) and DEVNET_GRPC, each http://127.0.0.1:PORT

# Free loopback ports, `n` of them, on one line.
free_ports() {
  python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))' "$1"
}

devnet_up() {
  cargo build -q --locked -p ogpu-devnet
  local port api grpc
  read -r port api grpc < <(free_ports 3)
  DEVNET_LOG=$(mktemp)
  target/debug/ogpu-devnet start --rpc-addr "127.0.0.1:${port}" --api-addr "127.0.0.1:${api}" \
    --grpc-addr "127.0.0.1:${grpc}" --block-time 300ms "$@" >"${DEVNET_LOG}" 2>&1 &
  DEVNET_PID=$!
  trap 'kill -INT "${DEVNET_PID}" 2>/dev/null; wait "${DEVNET_PID}" 2>/dev/null; rm -f "${DEVNET_LOG}"' EXIT
  DEVNET_RPC="http://127.0.0.1:${port}"
  DEVNET_API="http://127.0.0.1:${api}"
  DEVNET_GRPC="http://127.0.0.1:${grpc}"
  for _ in $(seq 50); do
    if python3 -c "import urllib.request; urllib.request.urlopen('${DEVNET_RPC}/health')" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "the devnet did not answer at ${DEVNET_RPC}:" >&2
  cat "${DEVNET_LOG}" >&2
  return 1
}
