//! Writes a contract's JSON schema; called by each contract's `schema` binary.

use cosmwasm_schema::Api;
use std::path::PathBuf;

/// Renders `api` as cosmwasm-schema's `write_api!` lays it out, one directory per contract
/// (what @cosmwasm/ts-codegen and other tools expect): `<dir>/<contract>/<contract>.json`
/// with the full API, and `<dir>/<contract>/raw/` with one file per message and response.
/// `dir` is the first command-line argument or `schema`.
pub fn export(api: Api) {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "schema".into()));
    let name = api.contract_name.clone();
    let api = api.render();
    let contract = dir.join(&name);
    let raw = contract.join("raw");
    // A message removed from the contract must not leave its file behind.
    if raw.exists() {
        std::fs::remove_dir_all(&raw).expect("clear the raw schema directory");
    }
    std::fs::create_dir_all(&raw).expect("create the schema directory");
    let path = contract.join(format!("{name}.json"));
    let text = api.to_string().expect("render the schema");
    std::fs::write(&path, text + "\n").expect("write the schema file");
    for (name, text) in api.to_schema_files().expect("render the raw schemas") {
        std::fs::write(raw.join(name), text + "\n").expect("write a raw schema file");
    }
    println!("wrote {}", contract.display());
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use cosmwasm_schema::schema_for;
    use schemars::schema::RootSchema;

    use crate::{registry, settlement, staking};

    /// The variant names of an externally tagged message enum, as its schema lists them.
    fn variants(schema: RootSchema) -> BTreeSet<String> {
        let one_of = schema
            .schema
            .subschemas
            .and_then(|s| s.one_of)
            .unwrap_or_default();
        one_of
            .into_iter()
            .flat_map(|variant| variant.into_object().object.map(|o| o.required))
            .flatten()
            .collect()
    }

    /// A generated client (ts-codegen) gives each message a method named after it: an
    /// execute and a query of the same name clash, or one silently replaces the other.
    #[test]
    fn no_contract_has_an_execute_and_a_query_of_the_same_name() {
        let contracts = [
            (
                variants(schema_for!(registry::ExecuteMsg)),
                variants(schema_for!(registry::QueryMsg)),
            ),
            (
                variants(schema_for!(staking::ExecuteMsg)),
                variants(schema_for!(staking::QueryMsg)),
            ),
            (
                variants(schema_for!(settlement::ExecuteMsg)),
                variants(schema_for!(settlement::QueryMsg)),
            ),
        ];
        for (execute, query) in contracts {
            assert!(
                execute.len() > 3 && query.len() > 3,
                "{execute:?} {query:?}"
            );
            let shared: Vec<_> = execute.intersection(&query).collect();
            assert!(shared.is_empty(), "named both ways: {shared:?}");
        }
    }
}
