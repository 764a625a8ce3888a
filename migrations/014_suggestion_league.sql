-- 督: the league table of units reads a rollup kept current on write, not a GROUP BY over every
-- suggestion of a congress (ARCHITECTURE.md, "Dashboards read rollup tables"). One row per
-- congress, session, lead unit and region code of the suggestions: the region code is kept so
-- that an office or member sees the figures of its own region subtree, as the lists do.
--
-- What counts is said once, in the view suggestion_league_rows: one row per live lead assignment
-- (主办, not replaced) of a suggestion of a congress that has reached assignment; the rates count
-- completed suggestions only (replied, evaluated, closed), so one sent back for 重办 keeps its old
-- reply and rating but counts again only when replied anew. The triggers take a row's share out
-- BEFORE a change (the view still sees the old rows) and put it back AFTER (it sees the new
-- ones), each by a row written to suggestion_league_changes, whose own trigger applies it and
-- drops the row. A row of figures may fall to zero; the read leaves those out.

CREATE VIEW suggestion_league_rows AS
SELECT s.id AS suggestion_id, su.id AS assignment_id, s.congress_id, s.session, su.unit_id, s.region_code,
       s.state IN ('replied', 'evaluated', 'closed') AS completed,
       s.state IN ('replied', 'evaluated', 'closed') AND s.reply_category IS 'A' AS a_count,
       s.state IN ('replied', 'evaluated', 'closed') AND s.rating IS NOT NULL AS rated,
       s.state IN ('replied', 'evaluated', 'closed') AND (s.rating IS 'satisfied' OR s.rating IS 'basic') AS satisfied,
       s.state IN ('replied', 'evaluated', 'closed') AND s.reply_type IS 'solve' AS solve_count
FROM suggestions s JOIN suggestion_units su ON su.suggestion_id = s.id
WHERE su.role = 'lead' AND su.state <> 'replaced' AND s.congress_id IS NOT NULL
  AND s.state IN ('assigned', 'contested', 'handling', 'replied', 'evaluated', 'closed');

CREATE TABLE suggestion_unit_figures (
    congress_id INTEGER NOT NULL,
    session     TEXT NOT NULL,
    unit_id     INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    assigned    INTEGER NOT NULL,
    completed   INTEGER NOT NULL,
    a_count     INTEGER NOT NULL,
    rated       INTEGER NOT NULL,
    satisfied   INTEGER NOT NULL,
    solve_count INTEGER NOT NULL,
    PRIMARY KEY (congress_id, session, unit_id, region_code)
) WITHOUT ROWID;

INSERT INTO suggestion_unit_figures
SELECT congress_id, session, unit_id, region_code, count(*), sum(completed), sum(a_count), sum(rated), sum(satisfied),
       sum(solve_count)
FROM suggestion_league_rows GROUP BY congress_id, session, unit_id, region_code;

-- A change to apply: sign -1 takes out, +1 puts in the share of a suggestion's assignments (all of
-- them, or only assignment_id). Rows never stay: the trigger applies them and drops them.
CREATE TABLE suggestion_league_changes (
    sign          INTEGER NOT NULL CHECK (sign IN (-1, 1)),
    suggestion_id INTEGER NOT NULL,
    assignment_id INTEGER
);
CREATE TRIGGER suggestion_league_apply BEFORE INSERT ON suggestion_league_changes
BEGIN
    INSERT INTO suggestion_unit_figures
    SELECT congress_id, session, unit_id, region_code, NEW.sign * count(*), NEW.sign * sum(completed),
           NEW.sign * sum(a_count), NEW.sign * sum(rated), NEW.sign * sum(satisfied), NEW.sign * sum(solve_count)
    FROM suggestion_league_rows
    WHERE suggestion_id = NEW.suggestion_id AND (NEW.assignment_id IS NULL OR assignment_id = NEW.assignment_id)
    GROUP BY congress_id, session, unit_id, region_code
    ON CONFLICT DO UPDATE SET assigned = assigned + excluded.assigned, completed = completed + excluded.completed,
        a_count = a_count + excluded.a_count, rated = rated + excluded.rated,
        satisfied = satisfied + excluded.satisfied, solve_count = solve_count + excluded.solve_count;
    SELECT RAISE(IGNORE);
END;

-- A suggestion's share changes only with these columns (a save writes every column, so the
-- WHEN clauses keep edits, contacts and notices from touching the figures).
CREATE TRIGGER suggestion_figures_out BEFORE UPDATE OF state, congress_id, session, region_code, reply_category,
    reply_type, rating ON suggestions
WHEN OLD.state IS NOT NEW.state OR OLD.congress_id IS NOT NEW.congress_id OR OLD.session IS NOT NEW.session
  OR OLD.region_code IS NOT NEW.region_code OR OLD.reply_category IS NOT NEW.reply_category
  OR OLD.reply_type IS NOT NEW.reply_type OR OLD.rating IS NOT NEW.rating
BEGIN INSERT INTO suggestion_league_changes VALUES (-1, OLD.id, NULL); END;
CREATE TRIGGER suggestion_figures_in AFTER UPDATE OF state, congress_id, session, region_code, reply_category,
    reply_type, rating ON suggestions
WHEN OLD.state IS NOT NEW.state OR OLD.congress_id IS NOT NEW.congress_id OR OLD.session IS NOT NEW.session
  OR OLD.region_code IS NOT NEW.region_code OR OLD.reply_category IS NOT NEW.reply_category
  OR OLD.reply_type IS NOT NEW.reply_type OR OLD.rating IS NOT NEW.rating
BEGIN INSERT INTO suggestion_league_changes VALUES (1, NEW.id, NULL); END;
CREATE TRIGGER suggestion_figures_gone BEFORE DELETE ON suggestions
BEGIN INSERT INTO suggestion_league_changes VALUES (-1, OLD.id, NULL); END;
-- (A new suggestion has no assignments yet: suggestion_units references it.)

-- An assignment's share changes with its role, its unit, its suggestion, and whether it is replaced.
CREATE TRIGGER suggestion_unit_figures_new AFTER INSERT ON suggestion_units
BEGIN INSERT INTO suggestion_league_changes VALUES (1, NEW.suggestion_id, NEW.id); END;
CREATE TRIGGER suggestion_unit_figures_out BEFORE UPDATE OF suggestion_id, unit_id, role, state ON suggestion_units
WHEN OLD.suggestion_id IS NOT NEW.suggestion_id OR OLD.unit_id IS NOT NEW.unit_id OR OLD.role IS NOT NEW.role
  OR (OLD.state = 'replaced') IS NOT (NEW.state = 'replaced')
BEGIN INSERT INTO suggestion_league_changes VALUES (-1, OLD.suggestion_id, OLD.id); END;
CREATE TRIGGER suggestion_unit_figures_in AFTER UPDATE OF suggestion_id, unit_id, role, state ON suggestion_units
WHEN OLD.suggestion_id IS NOT NEW.suggestion_id OR OLD.unit_id IS NOT NEW.unit_id OR OLD.role IS NOT NEW.role
  OR (OLD.state = 'replaced') IS NOT (NEW.state = 'replaced')
BEGIN INSERT INTO suggestion_league_changes VALUES (1, NEW.suggestion_id, NEW.id); END;
CREATE TRIGGER suggestion_unit_figures_gone BEFORE DELETE ON suggestion_units
BEGIN INSERT INTO suggestion_league_changes VALUES (-1, OLD.suggestion_id, OLD.id); END;
