-- Campaigns (主题活动, SPEC §4a), such as 代表"三进" (进企业、进社区、进村): a theme and a period, the
-- regions, deputies and groups taking part, tasks per deputy or per group, and the activities,
-- visits and opinions tagged as counting toward it. Tagging is a table of its own, so the tables
-- of what is tagged stay as they are.

CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions(code),  -- the office that runs it, for scopes
    theme       TEXT NOT NULL,                           -- 代表"三进"
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    starts_on   TEXT NOT NULL,                           -- YYYY-MM-DD, Beijing days
    ends_on     TEXT NOT NULL,
    starts_at   INTEGER NOT NULL,                        -- the first second of starts_on (UTC)
    ends_at     INTEGER NOT NULL,                        -- the last second of ends_on (UTC)
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK (ends_at > starts_at)
);
CREATE INDEX campaigns_region ON campaigns(region_code, starts_on);

-- Where it runs: an item counts when its region lies in one of these subtrees.
CREATE TABLE campaign_regions (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    region_code TEXT NOT NULL REFERENCES regions(code),
    PRIMARY KEY (campaign_id, region_code)
) WITHOUT ROWID;
CREATE INDEX campaign_regions_region ON campaign_regions(region_code, campaign_id);

CREATE TABLE campaign_deputies (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    deputy_id   INTEGER NOT NULL REFERENCES deputies(id),
    PRIMARY KEY (campaign_id, deputy_id)
) WITHOUT ROWID;
CREATE INDEX campaign_deputies_deputy ON campaign_deputies(deputy_id);

CREATE TABLE campaign_groups (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    group_id    INTEGER NOT NULL REFERENCES deputy_groups(id),
    PRIMARY KEY (campaign_id, group_id)
) WITHOUT ROWID;

-- "进社区 2 次": what one deputy or one group is to do; done is counted from campaign_items.
CREATE TABLE campaign_tasks (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    position    INTEGER NOT NULL DEFAULT 0,
    deputy_id   INTEGER REFERENCES deputies(id),
    group_id    INTEGER REFERENCES deputy_groups(id),
    title       TEXT NOT NULL,
    counts      TEXT NOT NULL CHECK (counts IN ('activity', 'visit', 'opinion')),
    target      INTEGER NOT NULL CHECK (target BETWEEN 1 AND 1000),
    CHECK ((deputy_id IS NULL) <> (group_id IS NULL))
);
CREATE INDEX campaign_tasks_campaign ON campaign_tasks(campaign_id, position);

-- What counts toward a campaign: one activity, visit or opinion, tagged once.
CREATE TABLE campaign_items (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    kind        TEXT NOT NULL CHECK (kind IN ('activity', 'visit', 'opinion')),
    item_id     INTEGER NOT NULL,
    tagged_by   INTEGER REFERENCES users(id),
    tagged_at   INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, kind, item_id)
) WITHOUT ROWID;
-- the campaigns an activity, visit or opinion counts toward
CREATE INDEX campaign_items_item ON campaign_items(kind, item_id);
