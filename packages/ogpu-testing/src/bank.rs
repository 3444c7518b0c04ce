//! cw-multi-test's bank, able to refuse transfers to chosen accounts, as a chain refuses
//! sends to its blocked module accounts: for testing that a payout nobody can receive
//! never blocks a settlement.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use anyhow::{bail, Result as AnyResult};
use cosmwasm_std::{
    Addr, Api, BankMsg, BankQuery, Binary, BlockInfo, Coin, CustomMsg, CustomQuery, Querier,
    Storage,
};
use cw_multi_test::{AppResponse, BankKeeper, BankSudo, CosmosRouter, Module};
use serde::de::DeserializeOwned;

/// Accounts whose incoming bank transfers fail; shared between the bank and the suite.
pub type Refused = Rc<RefCell<BTreeSet<Addr>>>;

#[derive(Default)]
pub struct RefusingBank {
    keeper: BankKeeper,
    refused: Refused,
}

impl RefusingBank {
    /// The handle through which the suite chooses the refused accounts.
    pub fn refused(&self) -> Refused {
        self.refused.clone()
    }

    pub fn init_balance(
        &self,
        storage: &mut dyn Storage,
        account: &Addr,
        amount: Vec<Coin>,
    ) -> AnyResult<()> {
        self.keeper.init_balance(storage, account, amount)
    }
}

impl Module for RefusingBank {
    type ExecT = BankMsg;
    type QueryT = BankQuery;
    type SudoT = BankSudo;

    fn execute<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: BankMsg,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        if let BankMsg::Send { to_address, .. } = &msg {
            if self
                .refused
                .borrow()
                .iter()
                .any(|a| a.as_str() == to_address)
            {
                bail!("{to_address} cannot receive funds");
            }
        }
        self.keeper
            .execute(api, storage, router, block, sender, msg)
    }

    fn query(
        &self,
        api: &dyn Api,
        storage: &dyn Storage,
        querier: &dyn Querier,
        block: &BlockInfo,
        request: BankQuery,
    ) -> AnyResult<Binary> {
        self.keeper.query(api, storage, querier, block, request)
    }

    fn sudo<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        msg: BankSudo,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        self.keeper.sudo(api, storage, router, block, msg)
    }
}

impl cw_multi_test::Bank for RefusingBank {}
