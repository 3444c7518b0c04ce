//! Which tasks the daemon has looked at and what it decided, bounded: a task is in the
//! tracker while it is open (or being worked on); after each sweep of the open tasks,
//! every decided task that is no longer open is forgotten, and a hard cap drops the oldest
//! decided ones first. A task declined for a reason that may go away is looked at again
//! when it may have (see [`Retry`]).

use std::collections::{BTreeMap, BTreeSet};

use super::decline::{Decline, Retry};

/// Most tasks remembered, whatever happens (a sweep reads at most 600 open ones).
const MAX_TRACKED: usize = 10_000;

/// What the daemon did with a task.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    /// A worker runs it.
    Active,
    /// Passed over; the decline says whether and when to look again.
    Declined(Decline),
    /// Taken and finished, or declined for good.
    Done,
}

#[derive(Debug, Default)]
pub struct Tracker {
    entries: BTreeMap<u64, Entry>,
}

impl Tracker {
    /// Whether `task_id` was never looked at.
    pub fn is_new(&self, task_id: u64) -> bool {
        !self.entries.contains_key(&task_id)
    }

    /// Whether a worker should (re)consider `task_id` now; it is then marked active. A new
    /// task always; a declined one when its reason may have gone: at every sweep, or when
    /// the provider's registration changed.
    pub fn start(&mut self, task_id: u64, sweep: bool, provider_changed: bool) -> bool {
        let go = match self.entries.get(&task_id) {
            None => true,
            Some(Entry::Declined(decline)) => match decline.retry {
                Retry::NextSweep => sweep,
                Retry::WhenProviderChanges => provider_changed,
                Retry::Never => false,
            },
            Some(Entry::Active | Entry::Done) => false,
        };
        if go {
            self.entries.insert(task_id, Entry::Active);
            self.cap();
        }
        go
    }

    /// The reason `task_id` was last declined for, if it was.
    pub fn last_decline(&self, task_id: u64) -> Option<&Decline> {
        match self.entries.get(&task_id) {
            Some(Entry::Declined(decline)) => Some(decline),
            _ => None,
        }
    }

    /// A worker is done with `task_id`: declined (`Some`) or finished.
    pub fn finished(&mut self, task_id: u64, declined: Option<Decline>) {
        let entry = match declined {
            Some(decline) if decline.retry != Retry::Never => Entry::Declined(decline),
            _ => Entry::Done,
        };
        self.entries.insert(task_id, entry);
    }

    /// After a complete sweep listing every open task in `open`: forgets decided tasks
    /// that are no longer open (ids above the sweep's last may be new, and stay).
    pub fn prune(&mut self, open: &BTreeSet<u64>) {
        let newest = open.last().copied().unwrap_or(0);
        self.entries.retain(|id, entry| {
            matches!(entry, Entry::Active) || open.contains(id) || *id > newest
        });
    }

    /// Drops the oldest decided tasks beyond [`MAX_TRACKED`].
    fn cap(&mut self) {
        let excess = self.entries.len().saturating_sub(MAX_TRACKED);
        if excess == 0 {
            return;
        }
        let oldest: Vec<u64> = self
            .entries
            .iter()
            .filter(|(_, e)| !matches!(e, Entry::Active))
            .map(|(id, _)| *id)
            .take(excess)
            .collect();
        for id in oldest {
            self.entries.remove(&id);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemon::decline::Reason;

    #[test]
    fn declined_tasks_come_back_when_their_reason_may_have_gone() {
        let mut tracker = Tracker::default();
        assert!(tracker.start(1, false, false));
        assert!(!tracker.start(1, true, true), "active");
        tracker.finished(1, Some(Decline::new(Reason::Ineligible, "not registered")));
        assert!(
            !tracker.start(1, true, false),
            "the provider did not change"
        );
        assert!(tracker.start(1, false, true));
        tracker.finished(1, Some(Decline::new(Reason::Busy, "busy")));
        assert_eq!(tracker.last_decline(1).unwrap().why, "busy");
        assert!(!tracker.start(1, false, true), "busy: at the next sweep");
        assert!(tracker.start(1, true, false));
        tracker.finished(1, Some(Decline::new(Reason::Strategy, "no")));
        assert!(!tracker.start(1, true, true), "never");
        tracker.finished(2, None);
        assert!(!tracker.start(2, true, true), "done");
    }

    #[test]
    fn only_open_and_new_tasks_are_remembered() {
        let mut tracker = Tracker::default();
        for id in 1..=5 {
            tracker.start(id, false, false);
        }
        for id in [1, 2, 3] {
            tracker.finished(id, None);
        }
        tracker.prune(&BTreeSet::from([3]));
        // 1 and 2 are closed and decided; 3 is open; 4 and 5 are being worked on.
        assert_eq!(tracker.len(), 3);
        assert!(tracker.is_new(1));
        for id in 10..10 + MAX_TRACKED as u64 + 5 {
            tracker.start(id, false, false);
            tracker.finished(id, None);
        }
        assert_eq!(tracker.len(), MAX_TRACKED);
        assert!(!tracker.is_new(4), "active tasks are never dropped");
    }
}
