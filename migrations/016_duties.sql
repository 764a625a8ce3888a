-- Duty records, scoring rules, obligations, annual reports and member links (履职档案, SPEC §6).
--
-- A duty record is one thing a deputy did, of one of twelve kinds. A deputy (or staff for them)
-- types the manual ones, which count once staff confirm them; the others are written by the
-- modules where the duty happened (see 017_duty_sources.sql) and count at once. Scores and
-- obligations are computed from the confirmed records against rules kept as data here, so
-- changing a rule changes every score computed after it, and each point names its record.

-- The kinds of duty, each scored by one rule item (履职计分细则).
CREATE TABLE duty_rules (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL UNIQUE CHECK (kind IN ('training', 'meeting', 'observe', 'inspection',
                                                       'reception', 'visit', 'suggestion', 'group',
                                                       'report', 'help', 'campaign', 'online')),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    points      INTEGER NOT NULL CHECK (points BETWEEN 0 AND 1000),   -- per confirmed record
    cap         INTEGER CHECK (cap IS NULL OR cap >= 0),              -- most points per period; NULL: none
    period      TEXT NOT NULL CHECK (period IN ('month', 'quarter', 'year')),
    evidence    TEXT NOT NULL CHECK (evidence IN ('none', 'text', 'photo')), -- what a manual record needs
    description TEXT NOT NULL DEFAULT '',
    updated_by  INTEGER REFERENCES users(id),
    updated_at  INTEGER NOT NULL DEFAULT 0
);

INSERT INTO duty_rules (kind, position, name, name_en, points, cap, period, evidence, description) VALUES
 ('training',   1,  '学习培训',         'Learning and training',        2, 8,    'year',    'text',
  '参加人大组织的履职学习培训，每次计2分，全年最多8分'),
 ('meeting',    2,  '出席会议',         'Attending sessions and meetings', 3, 15, 'year',    'none',
  '出席人民代表大会会议、代表小组会议及参加票决，每次计3分，全年最多15分'),
 ('observe',    3,  '列席常委会',       'Observing standing-committee meetings', 3, 9, 'year', 'text',
  '应邀列席人大常委会会议，每次计3分，全年最多9分'),
 ('inspection', 4,  '视察调研',         'Inspections and research',     3, 12,   'year',    'photo',
  '参加视察、调研、执法检查，每次计3分，全年最多12分'),
 ('reception',  5,  '接待选民',         'Receiving voters',             2, 4,    'month',   'none',
  '在联络站接待选民及接待来访群众，每次计2分，每月最多4分'),
 ('visit',      6,  '走访群众',         'Home visits',                  2, 12,   'year',    'photo',
  '走访选民、入户听取意见，每次计2分，全年最多12分'),
 ('suggestion', 7,  '提出建议',         'Suggestions',                  4, 16,   'year',    'none',
  '领衔或附议提出代表建议并立案，每件计4分，全年最多16分'),
 ('group',      8,  '小组活动',         'Group activities',             2, 8,    'year',    'photo',
  '参加代表小组活动，每次计2分，全年最多8分'),
 ('report',     9,  '向选民述职',       'Reports to voters',            5, 5,    'year',    'text',
  '向原选区选民报告履职情况，每年计5分'),
 ('help',       10, '为民办实事',       'Practical help',               3, 9,    'year',    'photo',
  '牵头或参与为群众办实事，每件计3分，全年最多9分'),
 ('campaign',   11, '主题活动',         'Campaigns',                    2, 6,    'year',    'none',
  '完成代表“三进”等主题活动任务，每项计2分，全年最多6分'),
 ('online',     12, '网上履职',         'Online duties',                1, 6,    'quarter', 'none',
  '通过网上代表家站办理并答复群众意见，每件计1分，每季度最多6分');

CREATE TABLE duty_records (
    id           INTEGER PRIMARY KEY,
    deputy_id    INTEGER NOT NULL REFERENCES deputies(id),
    region_code  TEXT NOT NULL REFERENCES regions(code),  -- the deputy's, for scoped lists
    kind         TEXT NOT NULL REFERENCES duty_rules(kind),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    happened_on  TEXT NOT NULL CHECK (happened_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'), -- Beijing day
    -- where it came from: typed by a person, or written by the module where the duty happened
    source       TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'activity', 'visit', 'opinion',
                                                                  'suggestion', 'cosign', 'ballot', 'campaign')),
    source_id    INTEGER,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'rejected')),
    reason       TEXT,                                    -- why staff rejected it
    created_by   INTEGER REFERENCES users(id),            -- NULL when a module wrote it
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK ((source = 'manual') = (source_id IS NULL))
);
CREATE INDEX duty_records_deputy ON duty_records(deputy_id, happened_on);
CREATE INDEX duty_records_queue ON duty_records(state, region_code, id);
CREATE INDEX duty_records_region ON duty_records(region_code, happened_on);
-- a module writes a duty once
CREATE UNIQUE INDEX duty_records_source ON duty_records(deputy_id, source, source_id) WHERE source <> 'manual';
-- the same record typed twice
CREATE UNIQUE INDEX duty_records_typed_once ON duty_records(deputy_id, kind, happened_on, title)
    WHERE source = 'manual' AND state <> 'rejected';

-- Photos are stored as they were re-encoded: decoded and written anew as JPEG, so no EXIF (and no
-- location) survives, with a thumbnail beside.
CREATE TABLE duty_photos (
    id         INTEGER PRIMARY KEY,
    record_id  INTEGER NOT NULL REFERENCES duty_records(id),
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    data       BLOB NOT NULL,     -- image/jpeg
    thumb      BLOB NOT NULL,     -- image/jpeg, at most 320 px wide
    created_at INTEGER NOT NULL
);
CREATE INDEX duty_photos_record ON duty_photos(record_id);

-- Obligations (三个一, 四个一, a reception a month): what a deputy, a group or a station must do
-- in each period, counted from confirmed duty records of the kinds named (for a station: its held
-- reception activities and visits).
CREATE TABLE obligation_rules (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    subject   TEXT NOT NULL CHECK (subject IN ('deputy', 'group', 'station')),
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    period    TEXT NOT NULL CHECK (period IN ('month', 'quarter', 'year')),
    required  INTEGER NOT NULL CHECK (required BETWEEN 1 AND 100),
    kinds     TEXT NOT NULL,          -- space-separated duty kinds; '' for a station's receptions
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at INTEGER NOT NULL DEFAULT 0
);

INSERT INTO obligation_rules (code, subject, position, name, name_en, period, required, kinds) VALUES
 ('deputy_contact',  'deputy',  1, '每月联系选民一次',     'Contact voters every month',        'month',   1, 'reception visit online'),
 ('deputy_activity', 'deputy',  2, '每季度参加一次活动',   'Take part in an activity each quarter', 'quarter', 1, 'group inspection meeting observe campaign training'),
 ('deputy_report',   'deputy',  3, '每年向选民述职一次',   'Report to voters once a year',      'year',    1, 'report'),
 ('group_theme',     'group',   1, '每季度开展一次主题活动', 'A themed activity each quarter',   'quarter', 1, 'group'),
 ('group_report',    'group',   2, '每年述职一次',         'A report to voters each year',      'year',    1, 'report'),
 ('group_research',  'group',   3, '每年形成一篇调研报告', 'A research report each year',       'year',    1, 'inspection'),
 ('group_reception', 'group',   4, '每年集中接待选民一次', 'A joint reception of voters each year', 'year', 1, 'reception'),
 ('station_monthly', 'station', 1, '每月开展一次接待活动', 'A reception every month',           'month',   1, '');

-- A reminder of an obligation behind goes out once per subject and period.
CREATE TABLE obligation_reminders (
    rule_id    INTEGER NOT NULL REFERENCES obligation_rules(id),
    subject_id INTEGER NOT NULL,
    period_key TEXT NOT NULL,         -- 2026-11, 2026-Q4, 2026
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (rule_id, subject_id, period_key)
) WITHOUT ROWID;

-- 述职报告: a draft made from the year's records, edited by the deputy, published on their page.
CREATE TABLE annual_reports (
    id           INTEGER PRIMARY KEY,
    deputy_id    INTEGER NOT NULL REFERENCES deputies(id),
    region_code  TEXT NOT NULL REFERENCES regions(code),
    year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published')),
    generated_at INTEGER NOT NULL,
    published_at INTEGER,
    updated_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (deputy_id, year)
);
CREATE INDEX annual_reports_published ON annual_reports(state, region_code, year);

-- 评议: one rating per phone per report; the phone is kept only as a keyed hash.
CREATE TABLE report_ratings (
    report_id  INTEGER NOT NULL REFERENCES annual_reports(id),
    phone_hash TEXT NOT NULL,
    rating     TEXT NOT NULL CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
    comment    TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (report_id, phone_hash)
) WITHOUT ROWID;

-- 常委会组成人员联系代表: each member (an account of role member) keeps in touch with 4-7 deputies.
CREATE TABLE member_deputies (
    member_user_id INTEGER NOT NULL REFERENCES users(id),
    deputy_id      INTEGER NOT NULL REFERENCES deputies(id),
    linked_at      INTEGER NOT NULL,
    PRIMARY KEY (member_user_id, deputy_id)
) WITHOUT ROWID;
CREATE INDEX member_deputies_deputy ON member_deputies(deputy_id);

CREATE TABLE member_contacts (
    id             INTEGER PRIMARY KEY,
    member_user_id INTEGER NOT NULL REFERENCES users(id),
    deputy_id      INTEGER NOT NULL REFERENCES deputies(id),
    happened_on    TEXT NOT NULL CHECK (happened_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    channel        TEXT NOT NULL CHECK (channel IN ('visit', 'phone', 'meeting', 'online', 'other')),
    note           TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX member_contacts_member ON member_contacts(member_user_id, happened_on);
