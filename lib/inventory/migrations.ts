/**
 * Schema migrations, applied in order; the index + 1 is the version recorded in schema_migrations.
 * Never edit a released migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE nodes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL,
    port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    ssh_user TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('controller', 'controller+worker', 'worker', 'single')),
    registry_address TEXT,
    labels TEXT NOT NULL DEFAULT '{}',
    auth_kind TEXT NOT NULL CHECK (auth_kind IN ('key', 'password', 'agent')),
    auth_secret TEXT,            -- encrypted private key or password; NULL = none uploaded yet
    auth_passphrase TEXT,        -- encrypted key passphrase
    sudo_mode TEXT NOT NULL CHECK (sudo_mode IN ('none', 'passwordless', 'stored', 'ask')),
    sudo_password TEXT,          -- encrypted, only for sudo_mode 'stored'
    bastion TEXT,                -- JSON {address, port, user, authKind}: never a secret
    bastion_secret TEXT,         -- encrypted
    bastion_passphrase TEXT,     -- encrypted
    bastion_host_key TEXT,       -- JSON {type, fingerprint, trustedAt}
    host_key_type TEXT,
    host_key_fingerprint TEXT,
    host_key_trusted_at TEXT,
    expected_fingerprint TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  -- the latest result per (node, check); a re-run replaces it
  CREATE TABLE check_results (
    node_id INTEGER NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pass', 'warn', 'fail')),
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (node_id, check_id)
  ) STRICT;

  -- a person accepted a failing or warning check for this node, with a reason
  CREATE TABLE check_overrides (
    node_id INTEGER NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (node_id, check_id)
  ) STRICT;

  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,         -- JSON
    updated_at TEXT NOT NULL
  ) STRICT;
  `,
  `
  -- a plan, apply, rollback or reset over a set of nodes
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('plan', 'apply', 'rollback', 'reset')),
    status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
    started_by TEXT NOT NULL,
    inputs TEXT NOT NULL,        -- JSON: settings snapshot, node names, options (never a secret)
    created_at TEXT NOT NULL,
    finished_at TEXT
  ) STRICT;

  -- one node's progress in a run: its stages with state and timing, and its result
  CREATE TABLE run_nodes (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    node TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
    stages TEXT NOT NULL DEFAULT '[]',   -- JSON [{name, state, startedAt, finishedAt, error}]
    result TEXT,                          -- JSON, action-specific (a plan's diffs)
    error TEXT,
    PRIMARY KEY (run_id, node)
  ) STRICT;

  -- every line a run produced, in order; the id is the SSE event id
  CREATE TABLE run_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    node TEXT,
    stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'cmd', 'stage', 'info', 'error')),
    line TEXT NOT NULL,
    at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX run_events_by_run ON run_events (run_id, id);
  `,
  `
  -- k0s binaries uploaded to the console, each stored once as <dataDir>/binaries/<sha256>
  CREATE TABLE k0s_binaries (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('elf', 'script')),
    arch TEXT CHECK (arch IN ('amd64', 'arm64', 'arm')),  -- NULL for a script
    version TEXT NOT NULL,       -- the k0s version read from the file, e.g. v1.32.8+k0s.0
    name TEXT NOT NULL,          -- the uploaded file's name, sanitized: a label only
    uploaded_at TEXT NOT NULL
  ) STRICT;
  `,
  `
  -- browser sessions: only a hash of the cookie's random id is kept, so this file alone signs nobody in
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,            -- sha256 of the cookie value, hex
    token_check TEXT NOT NULL,           -- HMAC of the console token: a new token ends every session
    created_at INTEGER NOT NULL,         -- ms since the epoch
    last_seen_at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- each uploaded catalog, kept as a named source: the fleet's catalog (settings 'catalog') is
  -- their union, so a second upload adds to the first and removing one takes only what it brought
  CREATE TABLE catalog_sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,   -- the uploaded file's name (made unique): a label only
    format TEXT NOT NULL,
    images TEXT NOT NULL,        -- JSON: normalised references
    skipped INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    loaded_at TEXT NOT NULL
  ) STRICT;
  -- the catalog loaded before sources existed becomes the first source
  INSERT INTO catalog_sources (name, format, images, skipped, errors, loaded_at)
    SELECT coalesce(json_extract(value, '$.fileName'), 'catalog'), json_extract(value, '$.format'),
           json_extract(value, '$.images'), coalesce(json_extract(value, '$.skipped'), 0),
           coalesce(json_extract(value, '$.errors'), 0),
           coalesce(json_extract(value, '$.loadedAt'), updated_at)
    FROM settings WHERE key = 'catalog';
  `,
  `
  -- when (and in what) a node's access last changed — address, credentials, sudo, bastion, role,
  -- registry — so check results older than that are known to be stale (NULL: not since created)
  ALTER TABLE nodes ADD COLUMN access_changed_at TEXT;
  ALTER TABLE nodes ADD COLUMN access_change TEXT;   -- JSON ["address", "credentials", …]
  `,
  `
  -- SSH access defined once and assigned to many nodes: rotating it changes them all
  CREATE TABLE credentials (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    auth_kind TEXT NOT NULL CHECK (auth_kind IN ('key', 'password', 'agent')),
    auth_secret TEXT,            -- encrypted private key or password
    auth_passphrase TEXT,        -- encrypted key passphrase
    sudo_mode TEXT NOT NULL CHECK (sudo_mode IN ('none', 'passwordless', 'stored', 'ask')),
    sudo_password TEXT,          -- encrypted, only for sudo_mode 'stored'
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  -- set: the node's access (auth and sudo) is the credential's, its own columns are unused
  ALTER TABLE nodes ADD COLUMN credential_id INTEGER REFERENCES credentials (id) ON DELETE RESTRICT;
  CREATE INDEX nodes_by_credential ON nodes (credential_id);
  `,
  `
  -- a run's events carry typed state too ('state', 'progress': their fields as JSON in line), in
  -- the lines' order and id sequence; the table is rebuilt to widen its CHECK, its ids kept
  CREATE TABLE run_events_typed (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    node TEXT,
    stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'cmd', 'stage', 'info', 'error', 'state', 'progress')),
    line TEXT NOT NULL,
    at TEXT NOT NULL
  ) STRICT;
  INSERT INTO run_events_typed (id, run_id, node, stream, line, at)
    SELECT id, run_id, node, stream, line, at FROM run_events ORDER BY id;
  -- ids of deleted events are never handed out again (a browser may still resume after one)
  INSERT INTO sqlite_sequence (name, seq) SELECT 'run_events_typed', 0
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'run_events_typed');
  UPDATE sqlite_sequence
    SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'run_events'), 0))
    WHERE name = 'run_events_typed';
  DROP TABLE run_events;
  ALTER TABLE run_events_typed RENAME TO run_events;
  CREATE INDEX run_events_by_run ON run_events (run_id, id);
  `,
  `
  -- a push (a bundle into the registry) is a run too: the table is rebuilt to widen its CHECK
  -- (foreign keys are off during migrations: dropping the old table cascades to nothing)
  CREATE TABLE runs_with_push (
    id TEXT PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('plan', 'apply', 'rollback', 'reset', 'push')),
    status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
    started_by TEXT NOT NULL,
    inputs TEXT NOT NULL,        -- JSON: settings snapshot, node names, options (never a secret)
    created_at TEXT NOT NULL,
    finished_at TEXT
  ) STRICT;
  INSERT INTO runs_with_push (rowid, id, action, status, started_by, inputs, created_at, finished_at)
    SELECT rowid, id, action, status, started_by, inputs, created_at, finished_at FROM runs;
  DROP TABLE runs;
  ALTER TABLE runs_with_push RENAME TO runs;
  `,
];
