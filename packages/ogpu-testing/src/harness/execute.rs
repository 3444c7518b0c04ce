//! Running each action: build the message from the model's secrets, predict the outcome,
//! execute, and record what succeeded.

use anyhow::Result as AnyResult;
use cosmwasm_std::{coin, Addr, Binary, HexBinary, Uint128};
use ogpu_types::commitment::sha256;
use ogpu_types::hash_search;
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{Asset, AssetInfo, HashSearch, Job, Payload};

use crate::harness::action::{
    Action, Actor, Answer, Competition, RewardAsset, Tamper, TaskTemplate,
};
use crate::harness::model::{Secret, TaskRecord};
use crate::harness::world::{Expect, World};
use crate::suite::{BOND_DENOM, REWARD_DENOM};
use crate::{Sealed, SealedBid};

/// An action's expectation and what actually happened.
pub type Outcome = (Expect, AnyResult<()>);

/// A nonce that meets the search's difficulty (or, for any other answer, misses it), the
/// first from `seed` on: distinct seeds give distinct answers.
fn nonce(search: &HashSearch, answer: Answer, seed: u64) -> u64 {
    let valid = matches!(answer, Answer::Valid);
    (seed..)
        .find(|&n| hash_search::verify(&search.prefix, search.difficulty, n) == valid)
        .expect("small difficulties have answers and non-answers")
}

impl World {
    pub(crate) fn execute(&mut self, action: &Action) -> Outcome {
        match action.clone() {
            Action::Publish { client, template } => self.publish(client, &template),
            Action::Commit {
                provider,
                task,
                answer,
                price_pct,
            } => {
                let provider = self.provider(provider);
                let task = self.model.position(task);
                let secret = self.seal(task, &provider, answer, price_pct);
                self.commit(task, provider, secret)
            }
            Action::CopyCommitment {
                provider,
                task,
                victim,
            } => self.copy_commitment(provider, task, victim),
            Action::Reveal { commitment, tamper } => {
                let (task, committer) = self.commitment(commitment);
                self.reveal(task, committer, tamper)
            }
            Action::RevealDue { commitment } => self.reveal_due(commitment),
            Action::RevealBid { commitment, tamper } => {
                let (task, committer) = self.commitment(commitment);
                self.reveal_bid(task, committer, tamper)
            }
            Action::RevealBidDue { commitment } => self.reveal_bid_due(commitment),
            Action::Deliver {
                task,
                impostor,
                answer,
            } => self.deliver(task, impostor, answer),
            Action::Confirm { sender, commitment } => {
                let (task, provider) = self.commitment(commitment);
                self.confirm(task, sender, provider)
            }
            Action::ConfirmDue { offer } => self.confirm_due(offer),
            Action::Cancel { sender, task } => {
                let task = self.model.position(task);
                let record = self.model.task(task);
                let sender = self.actor(sender, record);
                let expect = self.expect_cancel(record, &sender);
                let task_id = self.model.task_id(task);
                (expect, self.suite.cancel(&sender, task_id).map(drop))
            }
            Action::Dispute {
                sender,
                task,
                exact_bond,
            } => self.dispute(sender, task, exact_bond),
            Action::CloseDispute { sender, task } => self.close_dispute(sender, task),
            Action::Finalize { sender, task } => {
                let task = self.model.position(task);
                let sender = self.actor(sender, self.model.task(task));
                self.finalize(sender, task)
            }
            Action::Register { provider, stake } => self.register(provider, stake),
            Action::Bond { provider, amount } => self.bond(provider, amount),
            Action::Unbond { provider, amount } => self.unbond(provider, amount),
            Action::Claim { provider } => self.claim_unbonded(provider),
            Action::Deregister { provider } => self.deregister(provider),
            Action::SetPaused { paused } => {
                let owner = self.suite.owner.clone();
                let result = self
                    .suite
                    .exec_registry(&owner, &ExecuteMsg::SetPaused { paused });
                if result.is_ok() {
                    self.model.paused = paused;
                }
                (Expect::Success, result.map(drop))
            }
            Action::Forge {
                intruder,
                call,
                task,
            } => self.forge(intruder, call, task),
            Action::Wait { seconds } => {
                self.suite.advance_seconds(seconds);
                (Expect::Success, Ok(()))
            }
        }
    }

    fn publish(&mut self, client: u8, template: &TaskTemplate) -> Outcome {
        let client = self.client(client);
        let expect = Expect::when(!self.model.paused && template.is_valid());
        let spec = template.spec();
        let search = match &spec.job {
            Job::HashSearch(search) => Some(search.clone()),
            Job::OpenCl(_) => None,
        };
        let (info, published) = match template.asset {
            RewardAsset::Cw20 => {
                let token = AssetInfo::cw20(self.suite.token.as_str());
                let published = self.suite.publish_cw20(&client, spec, template.reward);
                (token, published)
            }
            RewardAsset::Native | RewardAsset::Bond => {
                let denom = match template.asset {
                    RewardAsset::Bond => BOND_DENOM,
                    _ => REWARD_DENOM,
                };
                let reward = coin(template.reward, denom);
                let published = self.suite.publish_in(&client, spec, reward);
                (AssetInfo::native(denom), published)
            }
        };
        let result = published.map(|id| {
            let reward = Asset::new(info, template.reward);
            let mut record = TaskRecord::new(id, client, reward, template.competition, search);
            record.disputable = template.dispute;
            self.model.tasks.push(record);
        });
        (expect, result)
    }

    /// The sealed result `provider` would commit to `task` (in an auction: its bid).
    fn seal(&self, task: Option<usize>, provider: &Addr, answer: Answer, price_pct: u8) -> Secret {
        let task_id = self.model.task_id(task);
        let record = self.model.task(task);
        let reward = record.map_or(0, |r| r.reward.amount.u128());
        let offer = reward * u128::from(price_pct) / 100;
        if record.is_some_and(|r| r.competition.is_auction()) {
            return Secret {
                sealed: SealedBid::new(task_id, provider, offer).into(),
                author: provider.clone(),
                valid: true,
            };
        }
        let price = record.filter(|r| r.manual()).map(|_| offer);
        let (result, valid) = self.result(record, task_id, provider, answer);
        let committed_price = price.unwrap_or(reward);
        Secret {
            sealed: Sealed::new(task_id, provider, &result, committed_price, price),
            author: provider.clone(),
            valid,
        }
    }

    /// The result `provider` computes for a task, and whether the registry accepts it: a
    /// hash-search nonce that meets the difficulty or misses it; for OpenCL the one
    /// correct output, except that where results are compared (Consensus, disputable
    /// tasks and their rounds) a wrong answer is a dissenting output of the provider's own
    /// and a colluding one the Sybils' shared output (any output passes the registry's own
    /// checks).
    pub(crate) fn result(
        &self,
        record: Option<&TaskRecord>,
        task_id: u64,
        provider: &Addr,
        answer: Answer,
    ) -> (Vec<u8>, bool) {
        let seed = task_id << 20 | u64::from(self.provider_index(provider)) << 16;
        // Results can be wrong without the registry noticing where a round compares them.
        let compared = record.is_some_and(|r| r.competition.replicas().is_some() || r.disputable);
        // A re-run round computes the disputed task's job.
        let task_id = record
            .and_then(|r| r.rerun_of.as_ref())
            .map_or(task_id, |(position, ..)| self.model.tasks[*position].id);
        match (record.and_then(|r| r.search.as_ref()), answer) {
            (Some(search), _) => {
                let nonce = nonce(search, answer, seed);
                let valid = matches!(answer, Answer::Valid);
                (nonce.to_be_bytes().to_vec(), valid)
            }
            (None, Answer::Invalid) if compared => {
                (format!("dissent/{task_id}/{provider}").into_bytes(), true)
            }
            (None, Answer::Collude) if compared => {
                (format!("collusion/{task_id}").into_bytes(), true)
            }
            (None, _) => (format!("result/{task_id}").into_bytes(), true),
        }
    }

    pub(crate) fn provider_index(&self, provider: &Addr) -> u8 {
        let index = self.committers.iter().position(|p| p == provider);
        index.expect("a committer") as u8
    }

    /// `provider`'s secrets on `task`, or fresh ones sealed for it.
    pub(crate) fn secret(&self, task: Option<usize>, provider: &Addr) -> Secret {
        let recorded = self.model.task(task).and_then(|r| r.secrets.get(provider));
        recorded
            .cloned()
            .unwrap_or_else(|| self.seal(task, provider, Answer::Valid, 100))
    }

    /// Commits the bytes of `victim`'s commitment (or of the one it would make): only
    /// their author can ever open them.
    fn copy_commitment(&mut self, provider: u8, task: u8, victim: u8) -> Outcome {
        let (provider, victim) = (self.provider(provider), self.provider(victim));
        let task = self.model.position(task);
        let secret = self.secret(task, &victim);
        self.commit(task, provider, secret)
    }

    fn commit(&mut self, task: Option<usize>, provider: Addr, secret: Secret) -> Outcome {
        let expect = self.expect_commit(self.model.task(task), &provider);
        let task_id = self.model.task_id(task);
        let result = self.suite.commit(&provider, task_id, &secret.sealed);
        if let (Ok(_), Some(position)) = (&result, task) {
            self.model.commitments.push((position, provider.clone()));
            self.model.tasks[position].secrets.insert(provider, secret);
        }
        (expect, result.map(drop))
    }

    /// The task and committer of the commitment `index` designates; before any, the
    /// newest task (if any) and the first provider, who has no commitment on it.
    pub(crate) fn commitment(&self, index: u8) -> (Option<usize>, Addr) {
        match self.model.commitment(index) {
            Some((task, committer)) => (Some(task), committer),
            None => (self.model.position(0), self.provider(0)),
        }
    }

    /// `committer`'s commitment on `task` opened, honestly or not.
    pub(crate) fn reveal(
        &mut self,
        task: Option<usize>,
        committer: Addr,
        tamper: Tamper,
    ) -> Outcome {
        let (provider, sealed) = self.tampered(task, committer, tamper);
        let record = self.model.task(task);
        // Honest: exactly what `provider` itself committed to.
        let honest = record
            .and_then(|r| r.secrets.get(&provider))
            .is_some_and(|mine| mine.author == provider && mine.sealed == sealed);
        let expect = match record {
            Some(record) if honest => self.expect_reveal(record, &provider),
            _ => Expect::Failure,
        };
        let task_id = self.model.task_id(task);
        // A result goes along with a First Response reveal; sent with any other (a
        // tampered one), it must be refused: the result would be read before it is paid.
        let first_response = record.is_some_and(|r| r.competition == Competition::FirstResponse);
        let with_result = first_response || matches!(tamper, Tamper::Result);
        let result = self
            .suite
            .reveal_with(&provider, task_id, &sealed, with_result);
        if let (Ok(_), Some(position)) = (&result, task) {
            self.model.tasks[position].revealed.insert(provider);
        }
        (expect, result.map(drop))
    }

    /// Who opens `committer`'s commitment on `task`, with which secrets.
    pub(crate) fn tampered(
        &self,
        task: Option<usize>,
        committer: Addr,
        tamper: Tamper,
    ) -> (Addr, Sealed) {
        let mut sealed = self.secret(task, &committer).sealed;
        let record = self.model.task(task);
        let provider = match tamper {
            Tamper::Impostor(impostor) => self.provider(impostor),
            _ => committer,
        };
        match tamper {
            Tamper::None | Tamper::Impostor(_) => {}
            Tamper::Salt => sealed.salt = HexBinary::from(sha256(b"a wrong salt")),
            Tamper::Result => {
                sealed.result = Payload::Inline {
                    data: Binary::from(b"tampered".as_slice()),
                }
            }
            Tamper::Price => {
                let reward = record.map_or(Uint128::zero(), |r| r.reward.amount);
                sealed.price = Some(sealed.price.map_or(reward, |p| p + Uint128::one()));
            }
        }
        (provider, sealed)
    }

    pub(crate) fn confirm(
        &mut self,
        task: Option<usize>,
        sender: Actor,
        provider: Addr,
    ) -> Outcome {
        let record = self.model.task(task);
        let sender = self.actor(sender, record);
        let expect = self.expect_confirm(record, &sender, &provider);
        let task_id = self.model.task_id(task);
        let result = self.suite.confirm(&sender, task_id, &provider);
        (expect, result.map(drop))
    }

    /// Anyone may finalize an open task once it is due; a Manual Confirmation it awards
    /// goes to the cheapest revealed offer (no client free-riding on a dearer one).
    fn finalize(&mut self, sender: Addr, task: Option<usize>) -> Outcome {
        let expect = match self.model.task(task) {
            Some(record) if record.terminal.is_none() => Expect::Any,
            _ => Expect::Failure,
        };
        let task_id = self.model.task_id(task);
        let manual = self.model.task(task).is_some_and(|r| r.manual());
        let awarded_before = manual && self.suite.award(task_id).is_some();
        let result = self.suite.finalize(&sender, task_id).map(drop);
        if result.is_err() || !manual || awarded_before {
            return (expect, result);
        }
        if let Some(award) = self.suite.award(task_id) {
            let cheapest = self
                .suite
                .responses(task_id)
                .iter()
                .filter_map(|r| r.revealed_height.and(r.price))
                .min();
            assert_eq!(
                Some(award.ranking[0].price),
                cheapest,
                "auto-confirmed a dearer offer"
            );
        }
        (expect, result)
    }
}
