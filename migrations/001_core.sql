-- Core: regions (for scopes), accounts, sessions and the append-only audit log.

CREATE TABLE regions (
    code        TEXT PRIMARY KEY CHECK (length(code) = 12 AND code NOT GLOB '*[^0-9]*'),
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES regions(code),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5)
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'deputy', 'unit', 'member')),
    -- Scope: a region subtree (admin, staff), a unit (unit), a deputy record (deputy, member).
    region_code         TEXT NOT NULL REFERENCES regions(code),
    unit_id             INTEGER,
    deputy_id           INTEGER,
    disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
);
CREATE INDEX users_region ON users(region_code);

CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,          -- the token itself is never stored
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,          -- absolute expiry
    ip           TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor_id  INTEGER,                      -- NULL for the public and for the command line
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,                -- e.g. user.create, session.login, personal.read
    entity    TEXT NOT NULL DEFAULT '',
    entity_id TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL DEFAULT '',     -- the region of the record, for scoped reading
    ip        TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_region ON audit_log(region_code, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
