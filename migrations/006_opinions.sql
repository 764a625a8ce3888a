-- The opinion loop (SPEC §3): categories, opinions with their event timeline, referrals to units,
-- attachments, the draft suggestions an opinion may turn into, and the notification outbox.
-- The state on an opinion is always the to_state of its last event; events are never changed.

CREATE TABLE categories (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES categories(id),
    code       TEXT NOT NULL UNIQUE,           -- a stable key: the public form and the API use it
    name       TEXT NOT NULL,                  -- 城建
    name_en    TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE INDEX categories_parent ON categories(parent_id);

INSERT INTO categories (code, name, name_en, position, created_at, updated_at) VALUES
    ('urban', '城建', 'Urban construction', 1, 0, 0),
    ('traffic', '交通', 'Transport', 2, 0, 0),
    ('education', '教育', 'Education', 3, 0, 0),
    ('health', '医疗', 'Health care', 4, 0, 0),
    ('social', '社保', 'Social security', 5, 0, 0),
    ('environment', '环境', 'Environment', 6, 0, 0),
    ('rural', '农业农村', 'Agriculture and villages', 7, 0, 0),
    ('business', '营商', 'Business environment', 8, 0, 0),
    ('safety', '治安', 'Public safety', 9, 0, 0),
    ('other', '其他', 'Other', 10, 0, 0);

-- A deputy suggestion (代表建议). The opinion loop creates drafts only; the suggestion workflow
-- owns every other state.
CREATE TABLE suggestions (
    id          INTEGER PRIMARY KEY,
    deputy_id   INTEGER REFERENCES deputies(id),
    region_code TEXT NOT NULL REFERENCES regions(code),
    title       TEXT NOT NULL,
    content     TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'draft',
    opinion_id  INTEGER REFERENCES opinions(id),  -- the opinion it grew from
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX suggestions_region ON suggestions(region_code);

CREATE TABLE opinions (
    id              INTEGER PRIMARY KEY,
    tracking_code   TEXT NOT NULL UNIQUE,
    secret_hash     TEXT,          -- keyed hash of the tracking token given when no phone was
    secret_sealed   TEXT,          -- the token, sealed, so a repeated submit can be answered again
    idempotency_key TEXT UNIQUE,   -- from the form: a second submit of the same form finds the first
    channel         TEXT NOT NULL CHECK (channel IN ('online', 'qr', 'walk_in', 'visit', 'phone', 'letter')),
    station_id      INTEGER REFERENCES stations(id),
    deputy_id       INTEGER REFERENCES deputies(id),
    region_code     TEXT NOT NULL REFERENCES regions(code),
    category_id     INTEGER NOT NULL REFERENCES categories(id),
    content         TEXT NOT NULL,
    location        TEXT NOT NULL DEFAULT '',
    -- the constituent, sealed (see src/auth/vault.h); phone_hash and phone4 allow lookups
    name_sealed     TEXT,
    phone_sealed    TEXT,
    address_sealed  TEXT,
    phone_hash      TEXT,
    phone4          TEXT,
    consent_publish INTEGER NOT NULL DEFAULT 0 CHECK (consent_publish IN (0, 1)),
    state           TEXT NOT NULL DEFAULT 'registered'
                    CHECK (state IN ('registered', 'triaged', 'in_progress', 'answered', 'closed', 'merged', 'rejected')),
    disposition     TEXT CHECK (disposition IN ('resolve', 'refer', 'to_suggestion', 'keep')),
    urgency         TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent')),
    tier            TEXT CHECK (tier IN ('station', 'township', 'county', 'city')),
    owner_user_id   INTEGER REFERENCES users(id),
    owner_deputy_id INTEGER REFERENCES deputies(id),
    master_id       INTEGER REFERENCES opinions(id),     -- the item it was merged into
    suggestion_id   INTEGER REFERENCES suggestions(id),
    answer          TEXT,
    answered_at     INTEGER,
    rating          TEXT CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
    rating_comment  TEXT,
    rated_at        INTEGER,
    reopens         INTEGER NOT NULL DEFAULT 0,
    triage_due      INTEGER NOT NULL,
    answer_due      INTEGER NOT NULL,
    created_by      INTEGER REFERENCES users(id),        -- staff who entered it; NULL online
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    CHECK (station_id IS NOT NULL OR deputy_id IS NOT NULL)
);
CREATE INDEX opinions_region ON opinions(region_code, id);
CREATE INDEX opinions_station ON opinions(station_id, created_at);
CREATE INDEX opinions_deputy ON opinions(deputy_id, created_at);
CREATE INDEX opinions_state ON opinions(state, answer_due);
CREATE INDEX opinions_master ON opinions(master_id) WHERE master_id IS NOT NULL;

CREATE TABLE opinion_events (
    id          INTEGER PRIMARY KEY,
    opinion_id  INTEGER NOT NULL REFERENCES opinions(id),
    at          INTEGER NOT NULL,
    actor_id    INTEGER,                   -- the account; NULL for the constituent and the system
    actor       TEXT NOT NULL,             -- a username, 'constituent' or 'system'
    action      TEXT NOT NULL,             -- an opinion action, or referral.<action>
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',  -- for staff only
    public_note TEXT NOT NULL DEFAULT ''   -- what the constituent sees with it
);
CREATE INDEX opinion_events_opinion ON opinion_events(opinion_id, id);
CREATE TRIGGER opinion_events_no_update BEFORE UPDATE ON opinion_events
BEGIN SELECT RAISE(ABORT, 'opinion events are never changed'); END;
CREATE TRIGGER opinion_events_no_delete BEFORE DELETE ON opinion_events
BEGIN SELECT RAISE(ABORT, 'opinion events are never deleted'); END;

-- 交办: one opinion referred to one unit, with its own deadline.
CREATE TABLE referrals (
    id                INTEGER PRIMARY KEY,
    opinion_id        INTEGER NOT NULL REFERENCES opinions(id),
    unit_id           INTEGER NOT NULL REFERENCES units(id),
    state             TEXT NOT NULL DEFAULT 'sent' CHECK (state IN ('sent', 'accepted', 'replied', 'returned')),
    due               INTEGER NOT NULL,
    extension_pending INTEGER NOT NULL DEFAULT 0,
    extension_days    INTEGER,
    extension_reason  TEXT,
    reply             TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX referrals_unit ON referrals(unit_id, state);
CREATE INDEX referrals_opinion ON referrals(opinion_id);

CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY,
    opinion_id INTEGER NOT NULL REFERENCES opinions(id),
    mime       TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    bytes      INTEGER NOT NULL,
    data       BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX attachments_opinion ON attachments(opinion_id);

-- Notifications, written in the transaction of the event they tell of; a dispatcher delivers them.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    created_at   INTEGER NOT NULL,
    event        TEXT NOT NULL,      -- opinion.answered, opinion.assigned, referral.sent, ...
    recipient    TEXT NOT NULL,      -- constituent, user:ID, unit:ID, deputy:ID
    payload      TEXT NOT NULL,      -- JSON
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    delivered_at INTEGER,
    last_error   TEXT
);
CREATE INDEX outbox_due ON outbox(next_at) WHERE delivered_at IS NULL;
