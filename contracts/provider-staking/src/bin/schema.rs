use cosmwasm_schema::generate_api;
use ogpu_types::staking::{ExecuteMsg, InstantiateMsg, QueryMsg};
use ogpu_types::MigrateMsg;

fn main() {
    ogpu_types::schema::export(generate_api! {
        name: "ogpu-provider-staking",
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    });
}
