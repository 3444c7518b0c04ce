//! A recipient whose transfer fails is credited and withdraws later; the others are paid
//! in the same release. Uses a cw20-like test token that refuses transfers to one account.

use cosmwasm_std::{
    from_json, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdError,
    StdResult, Uint128,
};
use cw20::{BalanceResponse, Cw20ExecuteMsg, Cw20QueryMsg};
use cw_multi_test::{ContractWrapper, Executor};
use ogpu_testing::SuiteBuilder;
use ogpu_types::settlement::{self, CreditsResponse, Deposit, Payout, TotalsResponse};
use ogpu_types::{Asset, AssetInfo};

#[cosmwasm_schema::cw_serde]
struct Init {
    holder: String,
    amount: Uint128,
    blocked: String,
}

fn balance_key(address: &str) -> Vec<u8> {
    [b"bal:".as_slice(), address.as_bytes()].concat()
}

fn balance(deps: Deps, address: &str) -> u128 {
    deps.storage
        .get(&balance_key(address))
        .map(|v| from_json(&v).unwrap())
        .unwrap_or(0)
}

fn move_tokens(deps: DepsMut, from: &str, to: &str, amount: u128) -> StdResult<()> {
    let from_balance = balance(deps.as_ref(), from)
        .checked_sub(amount)
        .ok_or_else(|| StdError::generic_err("insufficient balance"))?;
    let to_balance = balance(deps.as_ref(), to) + amount;
    deps.storage
        .set(&balance_key(from), &to_json_binary(&from_balance)?);
    deps.storage
        .set(&balance_key(to), &to_json_binary(&to_balance)?);
    Ok(())
}

fn instantiate(deps: DepsMut, _: Env, _: MessageInfo, msg: Init) -> StdResult<Response> {
    deps.storage.set(
        &balance_key(&msg.holder),
        &to_json_binary(&msg.amount.u128())?,
    );
    deps.storage.set(b"blocked", msg.blocked.as_bytes());
    Ok(Response::new())
}

/// `Transfer` fails towards the blocked account; `UpdateMinter` lifts the block.
fn execute(deps: DepsMut, _: Env, info: MessageInfo, msg: Cw20ExecuteMsg) -> StdResult<Response> {
    match msg {
        Cw20ExecuteMsg::Transfer { recipient, amount } => {
            if deps.storage.get(b"blocked") == Some(recipient.as_bytes().to_vec()) {
                return Err(StdError::generic_err("recipient is blocked"));
            }
            move_tokens(deps, info.sender.as_str(), &recipient, amount.u128())?;
            Ok(Response::new())
        }
        Cw20ExecuteMsg::UpdateMinter { .. } => {
            deps.storage.remove(b"blocked");
            Ok(Response::new())
        }
        _ => Err(StdError::generic_err("unsupported")),
    }
}

fn query(deps: Deps, _: Env, msg: Cw20QueryMsg) -> StdResult<Binary> {
    match msg {
        Cw20QueryMsg::Balance { address } => to_json_binary(&BalanceResponse {
            balance: Uint128::new(balance(deps, &address)),
        }),
        _ => Err(StdError::generic_err("unsupported")),
    }
}

#[test]
fn a_failing_recipient_is_credited_and_never_blocks_the_others() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let (registry, settlement_addr) = (suite.registry.clone(), suite.settlement.clone());
    let code = suite
        .app
        .store_code(Box::new(ContractWrapper::new(execute, instantiate, query)));
    let token = suite
        .app
        .instantiate_contract(
            code,
            client.clone(),
            &Init {
                holder: registry.to_string(),
                amount: Uint128::new(1_000),
                blocked: p1.to_string(),
            },
            &[],
            "blocking token",
            None,
        )
        .unwrap();
    let token_balance = |suite: &ogpu_testing::Suite, who: &cosmwasm_std::Addr| -> u128 {
        let response: BalanceResponse = suite
            .app
            .wrap()
            .query_wasm_smart(
                &token,
                &Cw20QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .unwrap();
        response.balance.u128()
    };

    // The registry moves 1 000 tokens for task 500 to settlement (as it does on a cw20
    // publish) and, when the task ends, releases them.
    let transfer = Cw20ExecuteMsg::Transfer {
        recipient: settlement_addr.to_string(),
        amount: Uint128::new(1_000),
    };
    suite.execute(&registry, &token, &transfer, &[]).unwrap();
    let release = settlement::ExecuteMsg::Release {
        deposit: Deposit {
            task_id: 500,
            payer: client.to_string(),
            asset: Asset::new(AssetInfo::cw20(token.as_str()), 1_000u128),
        },
        payouts: vec![
            Payout {
                recipient: p0.to_string(),
                amount: Uint128::new(400),
            },
            Payout {
                recipient: p1.to_string(),
                amount: Uint128::new(400),
            },
        ],
    };
    suite
        .execute(&registry, &settlement_addr, &release, &[])
        .unwrap();
    // Fee ceil(400 × 2.5 %) = 10 each; the payer gets the unreleased 200 back.
    assert_eq!(token_balance(&suite, &p0), 390);
    assert_eq!(token_balance(&suite, &p1), 0);
    assert_eq!(token_balance(&suite, &suite.treasury), 20);
    assert_eq!(token_balance(&suite, &client), 200);
    assert_eq!(token_balance(&suite, &settlement_addr), 390);

    let credits = |suite: &ogpu_testing::Suite| -> Vec<u128> {
        let response: CreditsResponse = suite
            .app
            .wrap()
            .query_wasm_smart(
                &settlement_addr,
                &settlement::QueryMsg::Credits {
                    address: p1.to_string(),
                },
            )
            .unwrap();
        response.credits.iter().map(|c| c.amount.u128()).collect()
    };
    assert_eq!(credits(&suite), vec![390]);

    let withdraw = settlement::ExecuteMsg::Withdraw {
        asset: AssetInfo::cw20(token.as_str()),
    };
    // Still blocked: the withdrawal fails as a whole and the credit stays.
    assert!(suite
        .execute(&p1, &settlement_addr, &withdraw, &[])
        .is_err());
    assert_eq!(credits(&suite), vec![390]);

    let unblock = Cw20ExecuteMsg::UpdateMinter { new_minter: None };
    suite.execute(&client, &token, &unblock, &[]).unwrap();
    suite
        .execute(&p1, &settlement_addr, &withdraw, &[])
        .unwrap();
    assert_eq!(token_balance(&suite, &p1), 390);
    assert_eq!(token_balance(&suite, &settlement_addr), 0);
    assert!(credits(&suite).is_empty());
    let totals: TotalsResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&settlement_addr, &settlement::QueryMsg::Totals {})
        .unwrap();
    let t = totals
        .totals
        .iter()
        .find(|t| t.info == AssetInfo::cw20(token.as_str()))
        .unwrap();
    assert_eq!(
        (
            t.deposited.u128(),
            t.paid_out.u128(),
            t.fees.u128(),
            t.refunded.u128()
        ),
        (1_000, 780, 20, 200)
    );
    assert_eq!(t.credited.u128(), 0);
    assert_eq!(
        suite
            .execute(&p1, &settlement_addr, &withdraw, &[])
            .unwrap_err()
            .root_cause()
            .to_string(),
        ogpu_settlement::ContractError::NothingToWithdraw {}.to_string()
    );
}
