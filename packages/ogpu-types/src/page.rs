//! Pages of the suite's list queries: the contracts cut every list to these sizes, and the
//! CLI, the daemon and the explorer read whole pages of them.

/// Items a list query returns when it names no `limit`.
pub const DEFAULT_PAGE: u32 = 10;
/// Most items one page holds: a larger `limit` is cut to this.
pub const MAX_PAGE: u32 = 30;

/// The number of items a list query answers for `limit`.
pub fn page_len(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_PAGE).min(MAX_PAGE) as usize
}
