// Generates src/contracts/ (types and a query + signing client per contract) from the
// schemas in ../schema with @cosmwasm/ts-codegen. `bash ci/typescript.sh` checks the
// committed files are what this writes.
//   node codegen.mjs [outDir]
import tsCodegen from "@cosmwasm/ts-codegen";

// The package is CommonJS: its default export arrives wrapped.
const codegen = tsCodegen.default ?? tsCodegen;

const outPath = process.argv[2] ?? "src/contracts";
await codegen({
  contracts: [
    { name: "TaskRegistry", dir: "../schema/ogpu-task-registry" },
    { name: "ProviderStaking", dir: "../schema/ogpu-provider-staking" },
    { name: "Settlement", dir: "../schema/ogpu-settlement" },
  ],
  outPath,
  options: {
    bundle: { enabled: true, bundleFile: "index.ts" },
    types: { enabled: true },
    client: { enabled: true },
    messageComposer: { enabled: false },
    reactQuery: { enabled: false },
    recoil: { enabled: false },
  },
});
