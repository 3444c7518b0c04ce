use cosmwasm_schema::generate_api;
use ogpu_upgrade_v2::msg::{ExecuteMsg, MigrateMsg, QueryMsg};

fn main() {
    ogpu_types::schema::export(generate_api! {
        name: "ogpu-upgrade-v2",
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    });
}
