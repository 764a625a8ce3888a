-- Legislative consultation (SPEC §4a, 立法征求意见, 基层立法联系点): a draft law or regulation
-- published article by article with a deadline, the topics (专题) deputies follow, and the
-- comments given on each article - online by constituents and deputies, or recorded by staff
-- at a station's meeting (座谈会) - with the office's decision whether each was adopted (采纳).
-- A draft's state is derived: unpublished while published_at is NULL, then open until
-- closes_at (the end of its deadline day, Beijing time), then closed.

CREATE TABLE drafts (
    id           INTEGER PRIMARY KEY,
    region_code  TEXT NOT NULL REFERENCES regions(code),  -- the region whose office publishes it
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    deadline     TEXT NOT NULL,                           -- the last day of comments, YYYY-MM-DD
    closes_at    INTEGER NOT NULL,                        -- 23:59:59 of that day in Beijing, UTC seconds
    published_at INTEGER,
    created_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX drafts_region ON drafts(region_code, id);

CREATE TABLE draft_articles (
    id       INTEGER PRIMARY KEY,
    draft_id INTEGER NOT NULL REFERENCES drafts(id),
    number   INTEGER NOT NULL CHECK (number BETWEEN 1 AND 999),  -- 第N条
    heading  TEXT NOT NULL DEFAULT '',
    text     TEXT NOT NULL,
    topic    TEXT NOT NULL DEFAULT '',                           -- 专题: the chapter's title
    UNIQUE (draft_id, number)
);

-- 代表分专题参与立法: the topics of a draft a deputy follows.
CREATE TABLE draft_follows (
    draft_id   INTEGER NOT NULL REFERENCES drafts(id),
    deputy_id  INTEGER NOT NULL REFERENCES deputies(id),
    topic      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (draft_id, deputy_id, topic)
) WITHOUT ROWID;
CREATE INDEX draft_follows_deputy ON draft_follows(deputy_id);

CREATE TABLE draft_comments (
    id              INTEGER PRIMARY KEY,
    draft_id        INTEGER NOT NULL REFERENCES drafts(id),
    article_id      INTEGER NOT NULL REFERENCES draft_articles(id),
    source          TEXT NOT NULL CHECK (source IN ('online', 'deputy', 'meeting')),
    deputy_id       INTEGER REFERENCES deputies(id),       -- source deputy
    station_id      INTEGER REFERENCES stations(id),       -- source meeting: where it was held
    meeting         TEXT NOT NULL DEFAULT '',              -- which meeting (座谈会), as staff name it
    author          TEXT NOT NULL DEFAULT '',              -- shown: a masked name, or the deputy's
    -- the constituent, sealed (src/auth/vault.h), only when given
    name_sealed     TEXT,
    phone_sealed    TEXT,
    phone_hash      TEXT,
    phone4          TEXT,
    content         TEXT NOT NULL,
    adopted         INTEGER NOT NULL DEFAULT 0 CHECK (adopted IN (0, 1)),
    adoption_note   TEXT NOT NULL DEFAULT '',
    reviewed_by     INTEGER REFERENCES users(id),
    reviewed_at     INTEGER,
    idempotency_key TEXT UNIQUE,                           -- a form sent twice makes one comment
    created_by      INTEGER REFERENCES users(id),          -- NULL for the public
    created_at      INTEGER NOT NULL,
    CHECK (source <> 'deputy' OR deputy_id IS NOT NULL),
    CHECK (source <> 'meeting' OR station_id IS NOT NULL)
);
CREATE INDEX draft_comments_draft ON draft_comments(draft_id, article_id, id);
