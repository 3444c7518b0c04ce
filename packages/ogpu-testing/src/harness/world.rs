//! The executor: runs each action against the suite, holds it to the model's expectation,
//! then checks every invariant.

use anyhow::Result as AnyResult;
use cosmwasm_std::Addr;
use cw_multi_test::AppResponse;
use ogpu_types::registry::{ExecuteMsg, TaskLimits};
use ogpu_types::staking::StakingParams;

use crate::fixtures;
use crate::harness::action::{Action, Actor, Intruder};
use crate::harness::model::{Model, TaskRecord};
use crate::suite::{Suite, SuiteBuilder};

/// Most commitments per task in the harness: small, so the cap and its eviction of
/// silent committers are reached often.
pub const MAX_COMMITMENTS: u32 = 3;
/// What every account starts with, of each asset: enough for any sequence.
pub const INITIAL_BALANCE: u128 = 100_000_000;
/// Longer than any task's windows: after it, every task can be finalized.
pub const PAST_EVERY_WINDOW: u64 = 1_000;
/// The harness's unbonding period: short, so sequences reach claims.
pub const UNBONDING_PERIOD: u64 = 120;

/// What the model expects of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Success,
    Failure,
    /// Either; the invariants still apply.
    Any,
}

impl Expect {
    /// `Success` when `condition` holds, else `Failure`.
    pub fn when(condition: bool) -> Self {
        if condition {
            Expect::Success
        } else {
            Expect::Failure
        }
    }
}

/// The suite and the harness's model of it.
pub struct World {
    pub suite: Suite,
    pub model: Model,
    pub fee_bps: u16,
    /// Everyone who commits: the suite's providers, then the first client, registered as
    /// a provider too (the client-as-provider: refused on its own tasks, a provider like
    /// any other on the others').
    pub committers: Vec<Addr>,
    /// Actions applied so far (for failure messages).
    pub step: usize,
}

/// What the first client bonds as a provider.
pub const DUAL_STAKE: u128 = fixtures::STAKE;

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    /// Two clients, four registered providers (and the first client registered as a
    /// fifth), a stranger, the owner.
    pub fn new() -> Self {
        let builder = SuiteBuilder {
            limits: TaskLimits {
                max_commitments: MAX_COMMITMENTS,
                ..fixtures::limits()
            },
            staking: StakingParams {
                unbonding_period: UNBONDING_PERIOD,
                ..fixtures::staking_params()
            },
            clients: 2,
            providers: 4,
            balance: INITIAL_BALANCE,
            ..SuiteBuilder::new()
        };
        let fee_bps = builder.protocol_fee_bps;
        let mut suite = builder.build();
        let dual = suite.clients[0].clone();
        suite.register(&dual, DUAL_STAKE).unwrap();
        let committers = suite.providers.iter().chain([&dual]).cloned().collect();
        World {
            suite,
            model: Model::default(),
            fee_bps,
            committers,
            step: 0,
        }
    }

    /// Applies `actions` in order, then drives every task to its end.
    pub fn run(actions: &[Action]) {
        let mut world = World::new();
        for action in actions {
            world.apply(action);
        }
        world.finish();
    }

    pub fn client(&self, i: u8) -> Addr {
        let clients = &self.suite.clients;
        clients[usize::from(i) % clients.len()].clone()
    }

    /// A committer: one of the providers or the client-as-provider.
    pub fn provider(&self, i: u8) -> Addr {
        self.committers[usize::from(i) % self.committers.len()].clone()
    }

    /// One of the suite's providers, for the staking actions (the client-as-provider
    /// keeps its stake, so its wallet holds exactly what its tasks moved).
    pub fn staker(&self, i: u8) -> Addr {
        let providers = &self.suite.providers;
        providers[usize::from(i) % providers.len()].clone()
    }

    /// `actor`'s address, for an action about `task`.
    pub fn actor(&self, actor: Actor, task: Option<&TaskRecord>) -> Addr {
        match actor {
            Actor::TaskClient => task.map_or(self.suite.stranger.clone(), |t| t.client.clone()),
            Actor::Client(i) => self.client(i),
            Actor::Provider(i) => self.provider(i),
            Actor::Stranger => self.suite.stranger.clone(),
            Actor::Owner => self.suite.owner.clone(),
        }
    }

    pub fn intruder(&self, intruder: Intruder) -> Addr {
        match intruder {
            Intruder::Client(i) => self.client(i),
            Intruder::Provider(i) => self.provider(i),
            Intruder::Stranger => self.suite.stranger.clone(),
        }
    }

    /// Runs one action, holds its outcome to the expectation, then checks the invariants.
    pub fn apply(&mut self, action: &Action) {
        self.step += 1;
        let (expect, result) = self.execute(action);
        match (expect, &result) {
            (Expect::Success, Err(err)) => {
                panic!("step {}: {action:?} failed: {err:?}", self.step)
            }
            (Expect::Failure, Ok(_)) => {
                panic!("step {}: {action:?} was accepted", self.step)
            }
            _ => {}
        }
        self.check_step();
    }

    /// Observes every task, then checks every invariant.
    fn check_step(&mut self) {
        let states = self.observe();
        self.check_invariants(&states);
    }

    /// Liveness: with the pause lifted and every window passed, anyone can finalize
    /// every open task; then no collateral stays locked, no escrow stays held, and all
    /// unbonding stake can be claimed.
    pub fn finish(&mut self) {
        let owner = self.suite.owner.clone();
        self.suite
            .exec_registry(&owner, &ExecuteMsg::SetPaused { paused: false })
            .unwrap();
        self.model.paused = false;
        // One round ends every task but an auction, which may take one round to be
        // awarded and one per bidder that misses its delivery.
        for _ in 0..=MAX_COMMITMENTS + 1 {
            self.suite.advance_seconds(PAST_EVERY_WINDOW);
            let stranger = self.suite.stranger.clone();
            let open: Vec<u64> = (0..self.model.tasks.len())
                .filter(|&i| self.model.tasks[i].terminal.is_none())
                .map(|i| self.model.tasks[i].id)
                .collect();
            for task_id in open {
                let finalized = self.suite.finalize(&stranger, task_id);
                assert!(
                    finalized.is_ok(),
                    "task {task_id} cannot end: {finalized:?}"
                );
                self.observe();
            }
        }
        self.suite.advance_seconds(PAST_EVERY_WINDOW);
        self.close_every_window();
        assert!(self.model.tasks.iter().all(|t| t.terminal.is_some()));
        for provider in &self.suite.providers {
            assert!(
                self.suite.locks(provider).is_empty(),
                "{provider} holds locks"
            );
            assert!(
                self.suite.provider_info(provider).locked.is_zero(),
                "locked"
            );
        }
        self.suite.advance_seconds(UNBONDING_PERIOD);
        for provider in self.suite.providers.clone() {
            if !self.suite.provider_info(&provider).unbonding.is_empty() {
                self.claim(&provider).unwrap();
            }
        }
        assert_eq!(self.suite.staking_totals().unbonding.u128(), 0);
        self.check_step();
    }

    pub(crate) fn claim(&mut self, provider: &Addr) -> AnyResult<AppResponse> {
        let msg = ogpu_types::staking::ExecuteMsg::Claim {};
        self.suite.exec_staking(provider, &msg, 0)
    }
}
