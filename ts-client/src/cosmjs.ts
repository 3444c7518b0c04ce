// The generated clients take an InterchainJS-shaped signing client; this adapts a CosmJS
// SigningCosmWasmClient to it (the one difference: CosmJS wants a fee on every execute).
import type { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import type { ISigningCosmWasmClient } from "./contracts/baseClient";

export function fromCosmJs(client: SigningCosmWasmClient): ISigningCosmWasmClient {
  return {
    queryContractSmart: (contract, query) => client.queryContractSmart(contract, query),
    execute: (sender, contract, msg, fee, memo, funds) =>
      client.execute(sender, contract, msg, fee ?? "auto", memo, funds),
  };
}
