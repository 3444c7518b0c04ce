//! Writes a contract's JSON schema; called by each contract's `schema` binary.

use cosmwasm_schema::Api;
use std::path::PathBuf;

/// Renders `api` to `<dir>/<contract name>.json`, where `dir` is the first command-line
/// argument or `schema`. Run from the workspace root: `cargo run -p <contract> --bin schema`.
pub fn export(api: Api) {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "schema".into()));
    std::fs::create_dir_all(&dir).expect("create the schema directory");
    let path = dir.join(format!("{}.json", api.contract_name));
    let text = api.render().to_string().expect("render the schema");
    std::fs::write(&path, text + "\n").expect("write the schema file");
    println!("wrote {}", path.display());
}
