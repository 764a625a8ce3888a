-- The dashboard (数据看板) and the public statistics read their opinion counts from a rollup kept
-- current on write (ARCHITECTURE.md, "Dashboards read rollup tables"), not by reading every
-- opinion of a province: one row per region code, station and Beijing month of creation, with
-- what the inbox list's filters count (answered = has an answer, rated, satisfied = rated
-- satisfied or basic). A period's whole months come from here; the days of a month it cuts are
-- read from opinions (store/dashboard.c). A row may fall to zero; it stays (its month is over).
--
-- The deadline figures (near, overdue) depend on the time of reading, so they are counted from
-- the open opinions through a partial index holding only those.

CREATE TABLE dash_opinion_months (
    region_code TEXT NOT NULL,
    station_id  INTEGER NOT NULL,      -- 0: sent to a deputy, no station
    month       TEXT NOT NULL,         -- 'YYYY-MM' of created_at in Beijing time
    collected   INTEGER NOT NULL,
    answered    INTEGER NOT NULL,
    rated       INTEGER NOT NULL,
    satisfied   INTEGER NOT NULL,
    PRIMARY KEY (region_code, station_id, month)
) WITHOUT ROWID;

INSERT INTO dash_opinion_months
SELECT region_code, coalesce(station_id, 0), strftime('%Y-%m', created_at + 28800, 'unixepoch'), count(*),
       sum(answer IS NOT NULL), sum(rating IS NOT NULL), sum(rating IS 'satisfied' OR rating IS 'basic')
FROM opinions GROUP BY 1, 2, 3;

-- A change to apply: sign -1 takes an opinion's share out, +1 puts it in; the trigger applies it
-- and drops the row, so the table stays empty.
CREATE TABLE dash_opinion_changes (
    sign        INTEGER NOT NULL CHECK (sign IN (-1, 1)),
    region_code TEXT NOT NULL,
    station_id  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    answered    INTEGER NOT NULL,
    rated       INTEGER NOT NULL,
    satisfied   INTEGER NOT NULL
);
CREATE TRIGGER dash_opinion_apply BEFORE INSERT ON dash_opinion_changes
BEGIN
    INSERT INTO dash_opinion_months
    VALUES (NEW.region_code, NEW.station_id, strftime('%Y-%m', NEW.created_at + 28800, 'unixepoch'), NEW.sign,
            NEW.sign * NEW.answered, NEW.sign * NEW.rated, NEW.sign * NEW.satisfied)
    ON CONFLICT DO UPDATE SET collected = collected + excluded.collected, answered = answered + excluded.answered,
        rated = rated + excluded.rated, satisfied = satisfied + excluded.satisfied;
    SELECT RAISE(IGNORE);
END;

CREATE TRIGGER dash_opinion_in AFTER INSERT ON opinions
BEGIN
    INSERT INTO dash_opinion_changes VALUES (1, NEW.region_code, coalesce(NEW.station_id, 0), NEW.created_at,
        NEW.answer IS NOT NULL, NEW.rating IS NOT NULL, NEW.rating IS 'satisfied' OR NEW.rating IS 'basic');
END;
-- a save writes every column, so WHEN keeps the steps that change none of these from touching it
CREATE TRIGGER dash_opinion_moved AFTER UPDATE OF region_code, station_id, created_at, answer, rating ON opinions
WHEN OLD.region_code IS NOT NEW.region_code OR OLD.station_id IS NOT NEW.station_id
  OR OLD.created_at IS NOT NEW.created_at OR (OLD.answer IS NULL) IS NOT (NEW.answer IS NULL)
  OR OLD.rating IS NOT NEW.rating
BEGIN
    INSERT INTO dash_opinion_changes VALUES (-1, OLD.region_code, coalesce(OLD.station_id, 0), OLD.created_at,
        OLD.answer IS NOT NULL, OLD.rating IS NOT NULL, OLD.rating IS 'satisfied' OR OLD.rating IS 'basic');
    INSERT INTO dash_opinion_changes VALUES (1, NEW.region_code, coalesce(NEW.station_id, 0), NEW.created_at,
        NEW.answer IS NOT NULL, NEW.rating IS NOT NULL, NEW.rating IS 'satisfied' OR NEW.rating IS 'basic');
END;
CREATE TRIGGER dash_opinion_gone AFTER DELETE ON opinions
BEGIN
    INSERT INTO dash_opinion_changes VALUES (-1, OLD.region_code, coalesce(OLD.station_id, 0), OLD.created_at,
        OLD.answer IS NOT NULL, OLD.rating IS NOT NULL, OLD.rating IS 'satisfied' OR OLD.rating IS 'basic');
END;

-- the days of a month a period cuts (at most two stretches shorter than a month): found by time,
-- then region and station inside the index
CREATE INDEX opinions_created_region ON opinions(created_at, region_code, station_id);
-- the open opinions of a region subtree with their deadlines, read without touching the table
CREATE INDEX opinions_open_region ON opinions(region_code, created_at, station_id, state, triage_due, answer_due)
WHERE state IN ('registered', 'triaged', 'in_progress');

-- reception visits had no index on their region: a county's visitors were a scan of every visit
CREATE INDEX visits_region ON visits(region_code, created_at, station_id);
