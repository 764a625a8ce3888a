-- Deputy suggestions (SPEC §5, 提、交、办、督、评). 006 made the table for the drafts the opinion loop
-- creates; this adds the whole workflow. Its state words are kept by src/domain/suggestion.h (the
-- table's state column predates them and SQLite cannot add a CHECK to it), and the state on a
-- suggestion is always the to_state of its last event. Columns are added, so ids and the
-- opinions.suggestion_id links stay as they were.

ALTER TABLE suggestions ADD COLUMN congress_id INTEGER REFERENCES congresses(id);
ALTER TABLE suggestions ADD COLUMN session TEXT NOT NULL DEFAULT 'recess' CHECK (session IN ('session', 'recess'));
ALTER TABLE suggestions ADD COLUMN number INTEGER;                     -- 第0123号, given on acceptance
ALTER TABLE suggestions ADD COLUMN category_id INTEGER REFERENCES categories(id);
ALTER TABLE suggestions ADD COLUMN key_suggestion INTEGER NOT NULL DEFAULT 0 CHECK (key_suggestion IN (0, 1));
ALTER TABLE suggestions ADD COLUMN supervisor_user_id INTEGER REFERENCES users(id);  -- 领衔督办 member
ALTER TABLE suggestions ADD COLUMN due INTEGER;                        -- the reply deadline
ALTER TABLE suggestions ADD COLUMN contest_due INTEGER;                -- the last moment to contest
ALTER TABLE suggestions ADD COLUMN reply_category TEXT CHECK (reply_category IN ('A', 'B', 'C'));
ALTER TABLE suggestions ADD COLUMN reply_type TEXT CHECK (reply_type IN ('solve', 'explain'));
ALTER TABLE suggestions ADD COLUMN reply_text TEXT;
ALTER TABLE suggestions ADD COLUMN reply_reason TEXT;                  -- C: why not now
ALTER TABLE suggestions ADD COLUMN commitment_at INTEGER;              -- B: the end of the promised day
ALTER TABLE suggestions ADD COLUMN signed_by TEXT;                     -- who signed the reply off
ALTER TABLE suggestions ADD COLUMN reply_unit_id INTEGER REFERENCES units(id);
ALTER TABLE suggestions ADD COLUMN rating TEXT CHECK (rating IN ('satisfied', 'basic', 'unsatisfied'));
ALTER TABLE suggestions ADD COLUMN rating_comment TEXT;
ALTER TABLE suggestions ADD COLUMN result_rating TEXT CHECK (result_rating IN ('satisfied', 'basic', 'unsatisfied'));
ALTER TABLE suggestions ADD COLUMN reopens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE suggestions ADD COLUMN consent_deputy INTEGER NOT NULL DEFAULT 0 CHECK (consent_deputy IN (0, 1));
ALTER TABLE suggestions ADD COLUMN consent_unit INTEGER NOT NULL DEFAULT 0 CHECK (consent_unit IN (0, 1));
ALTER TABLE suggestions ADD COLUMN near_notified INTEGER NOT NULL DEFAULT 0; -- the near-deadline notice went out
ALTER TABLE suggestions ADD COLUMN submitted_at INTEGER;
ALTER TABLE suggestions ADD COLUMN accepted_at INTEGER;
ALTER TABLE suggestions ADD COLUMN assigned_at INTEGER;
ALTER TABLE suggestions ADD COLUMN replied_at INTEGER;
ALTER TABLE suggestions ADD COLUMN closed_at INTEGER;

CREATE UNIQUE INDEX suggestions_number ON suggestions(congress_id, session, number) WHERE number IS NOT NULL;
CREATE INDEX suggestions_deputy ON suggestions(deputy_id, id);
CREATE INDEX suggestions_state ON suggestions(region_code, state, due);
CREATE INDEX suggestions_league ON suggestions(congress_id, session, state);
CREATE INDEX suggestions_commitment ON suggestions(commitment_at) WHERE commitment_at IS NOT NULL AND result_rating IS NULL;
CREATE INDEX suggestions_published ON suggestions(consent_deputy, consent_unit, id) WHERE reply_text IS NOT NULL;

-- The numbering counter: one row per congress and session, raised in the transaction that accepts,
-- so numbers have neither gaps nor repeats however many are accepted at once.
CREATE TABLE suggestion_numbers (
    congress_id INTEGER NOT NULL REFERENCES congresses(id),
    session     TEXT NOT NULL CHECK (session IN ('session', 'recess')),
    last        INTEGER NOT NULL,
    PRIMARY KEY (congress_id, session)
) WITHOUT ROWID;

-- 附议: co-signers count once they confirm.
CREATE TABLE suggestion_cosigners (
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id),
    deputy_id     INTEGER NOT NULL REFERENCES deputies(id),
    state         TEXT NOT NULL DEFAULT 'invited' CHECK (state IN ('invited', 'confirmed', 'declined')),
    invited_at    INTEGER NOT NULL,
    answered_at   INTEGER,
    PRIMARY KEY (suggestion_id, deputy_id)
) WITHOUT ROWID;
CREATE INDEX suggestion_cosigners_deputy ON suggestion_cosigners(deputy_id, suggestion_id);

-- The opinions a suggestion grew from (each opinion's suggestion_id points back).
CREATE TABLE suggestion_opinions (
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id),
    opinion_id    INTEGER NOT NULL REFERENCES opinions(id),
    PRIMARY KEY (suggestion_id, opinion_id)
) WITHOUT ROWID;
CREATE INDEX suggestion_opinions_opinion ON suggestion_opinions(opinion_id);
INSERT INTO suggestion_opinions (suggestion_id, opinion_id)
    SELECT id, opinion_id FROM suggestions WHERE opinion_id IS NOT NULL;

CREATE TABLE suggestion_attachments (
    id            INTEGER PRIMARY KEY,
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id),
    name          TEXT NOT NULL,
    mime          TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    bytes         INTEGER NOT NULL,
    data          BLOB NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX suggestion_attachments_suggestion ON suggestion_attachments(suggestion_id);

CREATE TABLE suggestion_events (
    id            INTEGER PRIMARY KEY,
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id),
    at            INTEGER NOT NULL,
    actor_id      INTEGER,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    from_state    TEXT,
    to_state      TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX suggestion_events_suggestion ON suggestion_events(suggestion_id, id);
CREATE TRIGGER suggestion_events_no_update BEFORE UPDATE ON suggestion_events
BEGIN SELECT RAISE(ABORT, 'suggestion events are never changed'); END;
CREATE TRIGGER suggestion_events_no_delete BEFORE DELETE ON suggestion_events
BEGIN SELECT RAISE(ABORT, 'suggestion events are never deleted'); END;

-- 交办: one lead unit (主办) and co-units (协办). A reassignment marks the old rows replaced.
CREATE TABLE suggestion_units (
    id             INTEGER PRIMARY KEY,
    suggestion_id  INTEGER NOT NULL REFERENCES suggestions(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    role           TEXT NOT NULL CHECK (role IN ('lead', 'co')),
    state          TEXT NOT NULL DEFAULT 'assigned'
                   CHECK (state IN ('assigned', 'handling', 'contested', 'replaced', 'replied')),
    contest_reason TEXT,
    opinion        TEXT,            -- a co-unit's opinion to the lead unit
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX suggestion_units_suggestion ON suggestion_units(suggestion_id);
CREATE INDEX suggestion_units_unit ON suggestion_units(unit_id, created_at);
CREATE UNIQUE INDEX suggestion_units_live ON suggestion_units(suggestion_id, unit_id) WHERE state <> 'replaced';

-- 办前/办中/办后 沟通: the communication log of the units with the deputy.
CREATE TABLE suggestion_contacts (
    id            INTEGER PRIMARY KEY,
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    stage         TEXT NOT NULL CHECK (stage IN ('before', 'during', 'after')),
    way           TEXT NOT NULL DEFAULT 'phone' CHECK (way IN ('phone', 'visit', 'meeting', 'letter', 'online')),
    text          TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX suggestion_contacts_suggestion ON suggestion_contacts(suggestion_id, id);
