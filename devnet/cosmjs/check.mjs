// CosmJS (SigningCosmWasmClient, Comet38 auto-detected) against a running devnet: status,
// balance, a bank send and a wasm upload/instantiate/execute with `gas: "auto"` (simulate ×
// 1.4), smart query, contract info, getTx and searchTx. Exits non-zero on any mismatch.
//   node check.mjs http://127.0.0.1:PORT path/to/ogpu_devnet_probe.wasm
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";

const [rpc, wasmPath] = process.argv.slice(2);
const mnemonic = "test test test test test test test test test test test junk";
const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "wasm" });
const [alice] = await wallet.getAccounts();
const client = await SigningCosmWasmClient.connectWithSigner(rpc, wallet, {
  gasPrice: GasPrice.fromString("0.025ustake"),
});

assert.equal(await client.getChainId(), "ogpu-devnet-1");
const before = BigInt((await client.getBalance(alice.address, "ustake")).amount);
const bob = "wasm1erxf3sa9q2j4vgseu7jq4a258ckmk7cy9zt7wf";
const sent = await client.sendTokens(alice.address, bob, [{ denom: "ustake", amount: "1234" }], "auto");
assert.equal(sent.code, 0);
const after = BigInt((await client.getBalance(alice.address, "ustake")).amount);
assert.ok(before - after > 1234n, "the fee was paid too");

const { codeId } = await client.upload(alice.address, readFileSync(wasmPath), "auto");
const { contractAddress } = await client.instantiate(alice.address, codeId, {}, "probe", "auto", {
  admin: alice.address,
});
const executed = await client.execute(alice.address, contractAddress, { set: { key: "k", value: "v" } }, "auto");
assert.equal(await client.queryContractSmart(contractAddress, { get: { key: "k" } }), "v");
const info = await client.getContract(contractAddress);
assert.equal(info.codeId, codeId);
assert.equal(info.admin, alice.address);
const tx = await client.getTx(executed.transactionHash);
assert.equal(tx.code, 0);
const mine = await client.searchTx(`message.sender='${alice.address}'`);
assert.equal(mine.length, 4, "send, store, instantiate, execute");
client.disconnect();
console.log(`cosmjs: ok (send ${sent.gasUsed} gas, execute ${executed.gasUsed} gas, contract ${contractAddress})`);
