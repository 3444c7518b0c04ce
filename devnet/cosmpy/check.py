"""cosmpy (a Cosmos client from PyPI that nobody on the team wrote) against a running
ogpu-devnet, through its LedgerClient over both gRPC and the REST API: chain id, height and
node info; the probe contract stored, instantiated and executed (gas estimated by
Simulate); then on each transport a balance, the account's number and sequence, a bank
send (gas estimated by Simulate, and over REST once more with a named gas limit) waited
for by GetTx, and a smart query. Exits non-zero on any mismatch.

    python check.py http://127.0.0.1:REST http://127.0.0.1:GRPC path/to/ogpu_devnet_probe.wasm
"""

import sys
import time

from cosmpy.aerial.client import LedgerClient, NetworkConfig
from cosmpy.aerial.contract import LedgerContract
from cosmpy.aerial.tx import TxFee
from cosmpy.aerial.wallet import LocalWallet

CHAIN_ID = "ogpu-devnet-1"
DENOM = "ustake"
# The devnet's default accounts (docs/devnet.md); cosmpy derives m/44'/118'/0'/0/0.
MNEMONIC = "test test test test test test test test test test test junk"
BOB = "wasm1erxf3sa9q2j4vgseu7jq4a258ckmk7cy9zt7wf"


def connect(url: str) -> LedgerClient:
    return LedgerClient(
        NetworkConfig(
            chain_id=CHAIN_ID,
            url=url,
            fee_minimum_gas_price=0.025,
            fee_denomination=DENOM,
            staking_denomination=DENOM,
        )
    )


def first_block(client: LedgerClient) -> None:
    """Waits for block 1: the latest block is unknown until then."""
    deadline = time.monotonic() + 10
    while True:
        try:
            client.query_height()
            return
        except Exception:  # noqa: BLE001 (gRPC and REST raise different errors)
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def check_node(name: str, client: LedgerClient) -> None:
    assert client.query_chain_id() == CHAIN_ID, name
    assert client.query_height() > 0, name
    info = client.query_node_info()
    assert info.app_name == "ogpu-devnet", (name, info)


def check_send_and_query(name: str, client: LedgerClient, alice: LocalWallet, contract: str, fee) -> None:
    before = client.query_bank_balance(BOB, DENOM)
    account = client.query_account(alice.address())
    sent = client.send_tokens(BOB, 1234, DENOM, alice, fee=fee).wait_to_complete()
    assert sent.response.code == 0, (name, sent.response.raw_log)
    assert sent.response.height > 0, name
    assert client.query_bank_balance(BOB, DENOM) == before + 1234, name
    after = client.query_account(alice.address())
    assert (after.number, after.sequence) == (account.number, account.sequence + 1), (name, account, after)
    value = LedgerContract(None, client, address=contract).query({"get": {"key": "k"}})
    assert value == "v", (name, value)
    print(f"cosmpy {name}: ok (account {after.number}, sequence {after.sequence}, send gas {sent.response.gas_used})")


def main() -> None:
    rest, grpc, wasm_path = sys.argv[1:4]
    alice = LocalWallet.from_mnemonic(MNEMONIC, prefix="wasm")
    over_grpc = connect(f"grpc+{grpc}")
    over_rest = connect(f"rest+{rest}")
    first_block(over_grpc)
    for name, client in (("grpc", over_grpc), ("rest", over_rest)):
        check_node(name, client)

    probe = LedgerContract(wasm_path, over_grpc)
    contract = probe.deploy({}, alice, label="probe", admin_address=alice.address())
    probe.execute({"set": {"key": "k", "value": "v"}}, alice).wait_to_complete()

    # cosmpy estimates gas with Simulate (over REST it posts the deprecated `tx` as JSON);
    # a named gas limit skips it.
    check_send_and_query("grpc", over_grpc, alice, str(contract), None)
    check_send_and_query("rest", over_rest, alice, str(contract), None)
    check_send_and_query("rest, gas named", over_rest, alice, str(contract), TxFee(gas_limit=200_000))


if __name__ == "__main__":
    main()
