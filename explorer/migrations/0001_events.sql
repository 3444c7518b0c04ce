-- The suite's events as the chain emitted them, one transaction at a time, and a
-- projection of every task's life kept in step with them (written in the same SQLite
-- transaction, so the two never disagree).

-- What this database indexes; a database of another chain or deployment is refused.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Where each followed event stream resumes (inclusive), by stream name.
CREATE TABLE cursors (
    stream TEXT PRIMARY KEY,
    height INTEGER NOT NULL
) STRICT;

-- Chain time of every block that holds an indexed transaction (unix seconds).
CREATE TABLE blocks (
    height INTEGER PRIMARY KEY,
    time   INTEGER NOT NULL
) STRICT;

-- Every transaction that emitted a suite event; indexed exactly once (its hash is the
-- key), so replays after a reconnect or a restart change nothing.
CREATE TABLE txs (
    hash       TEXT PRIMARY KEY,
    height     INTEGER NOT NULL REFERENCES blocks (height),
    idx        INTEGER NOT NULL,
    sender     TEXT,
    action     TEXT,
    gas_wanted INTEGER NOT NULL,
    gas_used   INTEGER NOT NULL
) STRICT;
CREATE INDEX txs_by_height ON txs (height, idx);

-- One row per suite event, in chain order within its transaction (`position`).
CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    tx_hash  TEXT NOT NULL REFERENCES txs (hash),
    position INTEGER NOT NULL,
    height   INTEGER NOT NULL,
    name     TEXT NOT NULL,
    contract TEXT NOT NULL,
    task_id  INTEGER,
    UNIQUE (tx_hash, position)
) STRICT;
CREATE INDEX events_by_task ON events (task_id, height);
CREATE INDEX events_by_name ON events (name, height);

-- The attributes of each event, in order (a completed consensus task names several
-- providers, so keys repeat).
CREATE TABLE attributes (
    event_id INTEGER NOT NULL REFERENCES events (id),
    position INTEGER NOT NULL,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (event_id, position)
) STRICT;
CREATE INDEX attributes_by_value ON attributes (key, value);

-- Every task as its events tell it. Each column is set by one kind of event only, so the
-- row is the same whatever order the events are applied in.
CREATE TABLE tasks (
    id               INTEGER PRIMARY KEY,
    client           TEXT,
    model            TEXT,
    kind             TEXT,
    reward           TEXT,
    denom            TEXT,
    collateral       TEXT,
    published_height INTEGER,
    awarded_height   INTEGER,
    ending           TEXT,
    ended_height     INTEGER,
    price            TEXT,
    winners          INTEGER,
    round            INTEGER,
    round_of         INTEGER,
    dispute          TEXT
) STRICT;
CREATE INDEX tasks_by_client ON tasks (client, id);
