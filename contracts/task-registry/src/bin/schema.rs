use cosmwasm_schema::generate_api;
use ogpu_types::registry::{ExecuteMsg, InstantiateMsg, QueryMsg};
use ogpu_types::MigrateMsg;

fn main() {
    ogpu_types::schema::export(generate_api! {
        name: "ogpu-task-registry",
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    });
}
