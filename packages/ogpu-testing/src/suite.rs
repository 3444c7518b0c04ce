//! Building the suite and moving through time.

use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{coin, Addr, Empty, Uint128};
use cw_multi_test::{App, AppBuilder, AppResponse, Contract, ContractWrapper, Executor};
use ogpu_types::registry::{self, AcceptedAsset, TaskLimits};
use ogpu_types::staking::StakingParams;
use ogpu_types::AssetInfo;

use crate::bank::{Refused, RefusingBank};
use crate::fixtures;
use crate::metered::{MeteredStorage, StorageOps};

pub use ogpu_fixtures::{BOND_DENOM, REWARD_DENOM};
/// Smallest reward a task may offer, in either accepted asset.
pub const MIN_REWARD: u128 = 100;
/// Seconds per block when the suite advances blocks.
pub const BLOCK_SECONDS: u64 = 5;

fn registry_code() -> Box<dyn Contract<Empty>> {
    use ogpu_task_registry::contract as c;
    Box::new(
        ContractWrapper::new(c::execute, c::instantiate, c::query)
            .with_reply(c::reply)
            .with_migrate(c::migrate),
    )
}

fn staking_code() -> Box<dyn Contract<Empty>> {
    use ogpu_provider_staking::contract as c;
    Box::new(
        ContractWrapper::new(c::execute, c::instantiate, c::query)
            .with_reply(c::reply)
            .with_migrate(c::migrate),
    )
}

fn settlement_code() -> Box<dyn Contract<Empty>> {
    use ogpu_settlement::contract as c;
    Box::new(
        ContractWrapper::new(c::execute, c::instantiate, c::query)
            .with_reply(c::reply)
            .with_migrate(c::migrate),
    )
}

fn cw20_code() -> Box<dyn Contract<Empty>> {
    use cw20_base::contract as c;
    Box::new(ContractWrapper::new(c::execute, c::instantiate, c::query))
}

/// The chain the suite runs on: cw-multi-test's app over a metered storage, with a bank
/// that can refuse transfers to chosen accounts.
pub type SuiteApp = App<RefusingBank, MockApi, MeteredStorage>;

/// Code ids of everything the suite stored.
#[derive(Clone, Copy, Debug)]
pub struct Codes {
    pub registry: u64,
    pub staking: u64,
    pub settlement: u64,
    pub cw20: u64,
}

pub struct SuiteBuilder {
    pub protocol_fee_bps: u16,
    pub limits: TaskLimits,
    pub staking: StakingParams,
    pub clients: usize,
    pub providers: usize,
    /// Native balance of each denom, and cw20 balance, every account starts with.
    pub balance: u128,
    /// Register every provider with this stake (none when zero).
    pub provider_stake: u128,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        SuiteBuilder {
            protocol_fee_bps: 250,
            limits: fixtures::limits(),
            staking: fixtures::staking_params(),
            clients: 2,
            providers: 3,
            balance: 1_000_000,
            provider_stake: fixtures::STAKE,
        }
    }
}

impl SuiteBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn build(self) -> Suite {
        let api = MockApi::default();
        let owner = api.addr_make("owner");
        let treasury = api.addr_make("treasury");
        let stranger = api.addr_make("stranger");
        let clients: Vec<Addr> = (0..self.clients)
            .map(|i| api.addr_make(&format!("client{i}")))
            .collect();
        let providers: Vec<Addr> = (0..self.providers)
            .map(|i| api.addr_make(&format!("provider{i}")))
            .collect();
        let funded: Vec<Addr> = clients
            .iter()
            .chain(&providers)
            .chain([&owner, &stranger])
            .cloned()
            .collect();
        let balance = self.balance;
        let bank = RefusingBank::default();
        let refused = bank.refused();
        let builder = AppBuilder::new()
            .with_bank(bank)
            .with_storage(MeteredStorage::default());
        let mut app = builder.build(|router, _, storage| {
            for account in &funded {
                let coins = vec![coin(balance, BOND_DENOM), coin(balance, REWARD_DENOM)];
                router.bank.init_balance(storage, account, coins).unwrap();
            }
        });
        // Whole seconds, so deadlines computed in tests are exact.
        app.update_block(|b| b.time = cosmwasm_std::Timestamp::from_seconds(b.time.seconds()));
        let codes = Codes {
            registry: app.store_code(registry_code()),
            staking: app.store_code(staking_code()),
            settlement: app.store_code(settlement_code()),
            cw20: app.store_code(cw20_code()),
        };
        let token = app
            .instantiate_contract(
                codes.cw20,
                owner.clone(),
                &cw20_base::msg::InstantiateMsg {
                    name: "Test Dollar".into(),
                    symbol: "TUSD".into(),
                    decimals: 6,
                    initial_balances: funded
                        .iter()
                        .map(|a| cw20::Cw20Coin {
                            address: a.to_string(),
                            amount: Uint128::new(balance),
                        })
                        .collect(),
                    mint: None,
                    marketing: None,
                },
                &[],
                "tusd",
                None,
            )
            .unwrap();
        // The bond denom too, as on the devnet: only a reward in the bond denom can be
        // refunded out of slashed collateral when a dispute overturns a result.
        let accepted_assets = [
            AssetInfo::native(REWARD_DENOM),
            AssetInfo::cw20(token.as_str()),
            AssetInfo::native(BOND_DENOM),
        ]
        .map(|info| AcceptedAsset {
            info,
            min_reward: Uint128::new(MIN_REWARD),
        })
        .to_vec();
        let registry = app
            .instantiate_contract(
                codes.registry,
                owner.clone(),
                &registry::InstantiateMsg {
                    owner: None,
                    treasury: treasury.to_string(),
                    protocol_fee_bps: self.protocol_fee_bps,
                    accepted_assets,
                    limits: self.limits,
                    staking_code_id: codes.staking,
                    settlement_code_id: codes.settlement,
                    staking: self.staking,
                },
                &[],
                "ogpu-task-registry",
                Some(owner.to_string()),
            )
            .unwrap();
        let config: registry::ConfigResponse = app
            .wrap()
            .query_wasm_smart(&registry, &registry::QueryMsg::Config {})
            .unwrap();
        let mut suite = Suite {
            app,
            codes,
            owner,
            treasury,
            stranger,
            clients,
            providers,
            registry,
            staking: config.staking,
            settlement: config.settlement,
            token,
            initial_balance: balance,
            refused,
        };
        if self.provider_stake > 0 {
            for provider in suite.providers.clone() {
                suite.register(&provider, self.provider_stake).unwrap();
            }
        }
        suite
    }
}

/// The running suite. Fields are public so tests can reach anything.
pub struct Suite {
    pub app: SuiteApp,
    pub codes: Codes,
    pub owner: Addr,
    pub treasury: Addr,
    /// A funded account with no role.
    pub stranger: Addr,
    pub clients: Vec<Addr>,
    pub providers: Vec<Addr>,
    pub registry: Addr,
    pub staking: Addr,
    pub settlement: Addr,
    /// An accepted cw20 reward token; every funded account holds some.
    pub token: Addr,
    /// What each funded account started with, of each native denom and of the cw20.
    pub initial_balance: u128,
    refused: Refused,
}

impl Suite {
    pub fn client(&self) -> Addr {
        self.clients[0].clone()
    }

    pub fn provider(&self, i: usize) -> Addr {
        self.providers[i].clone()
    }

    /// From now on (or again, with `false`) bank transfers to `account` fail.
    pub fn refuse_transfers_to(&mut self, account: &Addr, refuse: bool) {
        let mut refused = self.refused.borrow_mut();
        if refuse {
            refused.insert(account.clone());
        } else {
            refused.remove(account);
        }
    }

    /// Moves `n` blocks ahead, `BLOCK_SECONDS` each.
    pub fn advance_blocks(&mut self, n: u64) {
        self.app.update_block(|b| {
            b.height += n;
            b.time = b.time.plus_seconds(n * BLOCK_SECONDS);
        });
    }

    /// Moves `seconds` ahead in one block.
    pub fn advance_seconds(&mut self, seconds: u64) {
        self.app.update_block(|b| {
            b.height += 1;
            b.time = b.time.plus_seconds(seconds);
        });
    }

    /// Current block time, seconds.
    pub fn now(&self) -> u64 {
        self.app.block_info().time.seconds()
    }

    /// Sets the block time to exactly `seconds` (one block later).
    pub fn set_time(&mut self, seconds: u64) {
        self.app.update_block(|b| {
            b.height += 1;
            b.time = cosmwasm_std::Timestamp::from_seconds(seconds);
        });
    }

    pub fn balance(&self, account: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(account, denom)
            .unwrap()
            .amount
            .u128()
    }

    /// The suite token's balance of `account`, read from cw20-base's storage with a raw
    /// query: the same number as its `Balance` query, several times cheaper (the invariant
    /// harness reads every balance after every step).
    pub fn cw20_balance(&self, account: &Addr) -> u128 {
        let balances = cw20_base::state::BALANCES;
        let balance = balances.query(&self.app.wrap(), self.token.clone(), account);
        balance.unwrap().map_or(0, |b| b.u128())
    }

    /// Every account and contract whose balances conservation checks sum.
    pub fn tracked_accounts(&self) -> Vec<Addr> {
        let mut all: Vec<Addr> = self
            .clients
            .iter()
            .chain(&self.providers)
            .cloned()
            .collect();
        all.extend([
            self.owner.clone(),
            self.treasury.clone(),
            self.stranger.clone(),
            self.registry.clone(),
            self.staking.clone(),
            self.settlement.clone(),
        ]);
        all
    }

    /// Runs `f` and returns its result with the storage entries it touched.
    pub fn metered<T>(&mut self, f: impl FnOnce(&mut Suite) -> T) -> (T, StorageOps) {
        let before = self.app.storage().ops();
        let result = f(self);
        (result, self.app.storage().ops() - before)
    }

    /// Executes `msg` on `contract` from `sender` with `funds`.
    pub fn execute<T: serde::Serialize + std::fmt::Debug>(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        msg: &T,
        funds: &[cosmwasm_std::Coin],
    ) -> anyhow::Result<AppResponse> {
        let contract = contract.clone();
        self.app
            .execute_contract(sender.clone(), contract, msg, funds)
    }
}
