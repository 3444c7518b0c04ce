// The generated clients against a running devnet: deploys the suite with the generated
// InstantiateMsg type, reads the configuration through TaskRegistryQueryClient, publishes
// a First Response task through TaskRegistryClient (a CosmJS SigningCosmWasmClient
// under it) and reads it back, its dispute state included (a query of its own, apart from
// the `dispute` execute message). Exits non-zero on any mismatch.
//   node dist/test/smoke.js http://127.0.0.1:PORT path/to/artifacts
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import {
  TaskRegistryClient,
  TaskRegistryQueryClient,
} from "../src/contracts/TaskRegistry.client";
import { fromCosmJs } from "../src/cosmjs";
import type { InstantiateMsg, TaskSpec } from "../src/contracts/TaskRegistry.types";

async function main(): Promise<void> {
  const [rpc, artifacts] = process.argv.slice(2);
  if (!rpc || !artifacts) throw new Error("usage: smoke.js RPC_URL ARTIFACTS_DIR");
  const mnemonic = "test test test test test test test test test test test junk";
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "wasm" });
  const [owner] = await wallet.getAccounts();
  const client = await SigningCosmWasmClient.connectWithSigner(rpc, wallet, {
    gasPrice: GasPrice.fromString("0.025ustake"),
  });

  const upload = async (name: string): Promise<number> =>
    (await client.upload(owner.address, readFileSync(join(artifacts, name)), "auto")).codeId;
  const registryCode = await upload("ogpu_task_registry.wasm");
  const stakingCode = await upload("ogpu_provider_staking.wasm");
  const settlementCode = await upload("ogpu_settlement.wasm");

  const init: InstantiateMsg = {
    owner: null,
    treasury: owner.address,
    protocol_fee_bps: 100,
    accepted_assets: [{ info: { native: { denom: "ustake" } }, min_reward: "1000" }],
    limits: {
      max_kernel_bytes: 16384,
      max_inline_input_bytes: 16384,
      max_inline_result_bytes: 4096,
      max_output_bytes: 1073741824,
      max_args: 16,
      max_uri_len: 256,
      max_allowed_providers: 16,
      max_commitments: 8,
      min_window: 10,
      max_window: 604800,
      min_collateral: "100",
      unrevealed_bid_penalty_bps: 5000,
      max_replicas: 5,
    },
    staking_code_id: stakingCode,
    settlement_code_id: settlementCode,
    staking: {
      bond_denom: "ustake",
      min_stake: "5000",
      unbonding_period: 3600,
      slash_client_share_bps: 5000,
      max_unbonding_entries: 7,
      metadata_limits: { max_moniker_len: 64, max_devices: 8, max_field_len: 64, max_task_kinds: 8 },
    },
  };
  const { contractAddress } = await client.instantiate(owner.address, registryCode, init, "ogpu", "auto", {
    admin: owner.address,
  });

  const query = new TaskRegistryQueryClient(client, contractAddress);
  const config = await query.config();
  assert.equal(config.treasury, owner.address);
  assert.equal(config.limits.max_commitments, 8);

  const spec: TaskSpec = {
    job: {
      opencl: {
        kernel: {
          inline: {
            source:
              "__kernel void add(__global const uint* a, __global uint* out, uint k) { size_t i = get_global_id(0); out[i] = a[i] + k; }",
          },
        },
        entry_point: "add",
        args: [
          { input: { payload: { inline: { data: "AQAAAAIAAAADAAAABAAAAA==" } } } },
          { output: { size: "16" } },
          { scalar: { value: { u32: 10 } } },
        ],
        global_work_size: ["4"],
        local_work_size: null,
      },
    },
    requirements: {
      eligibility: { min_stake: "0", device_class: "any", min_memory_mb: 0, min_gflops: 0, min_reputation: 0 },
      allowed_providers: [],
    },
    model: { first_response: { commit_window: 600, reveal_window: 60 } },
    collateral: "1000",
    dispute: null,
    result_key: null,
  };
  const registry = new TaskRegistryClient(fromCosmJs(client), owner.address, contractAddress);
  const published = await registry.publishTask({ spec }, "auto", undefined, [
    { denom: "ustake", amount: "5000" },
  ]);
  const event = published.events.find((e: { type: string }) => e.type === "wasm-ogpu_task_published");
  const taskId = Number(event.attributes.find((a: { key: string }) => a.key === "task_id").value);
  const details = await query.task({ taskId });
  assert.equal(details.task.status, "open");
  assert.equal(details.task.client, owner.address);
  assert.equal(await query.disputeState({ taskId }), null, "no dispute terms, no dispute state");
  client.disconnect();
  console.log(`ts-client: ok (registry ${contractAddress}, task ${taskId})`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
