-- Secret online ballots (票决, SPEC §7): which departments to evaluate, which livelihood projects to
-- fund. That a deputy voted (ballot_roll) is stored apart from what was chosen (ballot_papers and
-- ballot_marks): the two share no key, and neither holds a time, a sequence or a rowid that could
-- join them - a paper's id is random and the tables are WITHOUT ROWID, so their order is the order
-- of random keys, not of arrival.

CREATE TABLE ballots (
    id          INTEGER PRIMARY KEY,
    congress_id INTEGER NOT NULL REFERENCES congresses(id),
    region_code TEXT NOT NULL REFERENCES regions(code),      -- the congress's region, for scopes
    kind        TEXT NOT NULL CHECK (kind IN ('department', 'project')),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    rule        TEXT NOT NULL CHECK (rule IN ('exactly', 'at_most')),
    choose      INTEGER NOT NULL CHECK (choose >= 1),          -- the k of "k of n"
    opens_at    INTEGER NOT NULL,
    closes_at   INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed', 'published')),
    electorate  INTEGER NOT NULL DEFAULT 0,                    -- eligible voters, fixed on opening
    cast_count  INTEGER,                                       -- ballots counted, fixed on closing
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    opened_at   INTEGER,
    closed_at   INTEGER,
    published_at INTEGER,
    CHECK (closes_at > opens_at)
);
CREATE INDEX ballots_region ON ballots(region_code, id);
CREATE INDEX ballots_closing ON ballots(state, closes_at);

-- The departments or projects on the paper; votes is filled in by the count on closing.
CREATE TABLE ballot_candidates (
    id          INTEGER PRIMARY KEY,
    ballot_id   INTEGER NOT NULL REFERENCES ballots(id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    votes       INTEGER,
    UNIQUE (ballot_id, position)
);

-- Who may vote: a chosen subset of the congress's deputies, or (when a ballot has none listed at
-- opening) every deputy seated in it, written here on opening.
CREATE TABLE ballot_electorate (
    ballot_id INTEGER NOT NULL REFERENCES ballots(id),
    deputy_id INTEGER NOT NULL REFERENCES deputies(id),
    PRIMARY KEY (ballot_id, deputy_id)
) WITHOUT ROWID;

-- The roll: that a deputy voted. No time, no paper.
CREATE TABLE ballot_roll (
    ballot_id INTEGER NOT NULL REFERENCES ballots(id),
    deputy_id INTEGER NOT NULL REFERENCES deputies(id),
    PRIMARY KEY (ballot_id, deputy_id)
) WITHOUT ROWID;

-- The papers: what was chosen. id is 16 random bytes; receipt_hash is the keyed hash of the receipt
-- code the voter was given, so they alone can find their paper among those counted.
CREATE TABLE ballot_papers (
    id           BLOB PRIMARY KEY,
    ballot_id    INTEGER NOT NULL REFERENCES ballots(id),
    receipt_hash TEXT NOT NULL UNIQUE
) WITHOUT ROWID;
CREATE INDEX ballot_papers_ballot ON ballot_papers(ballot_id);

CREATE TABLE ballot_marks (
    paper_id     BLOB NOT NULL REFERENCES ballot_papers(id),
    candidate_id INTEGER NOT NULL REFERENCES ballot_candidates(id),
    PRIMARY KEY (paper_id, candidate_id)
) WITHOUT ROWID;
CREATE INDEX ballot_marks_candidate ON ballot_marks(candidate_id);
