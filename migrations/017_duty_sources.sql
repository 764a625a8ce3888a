-- Duty records written by the modules where the duty happened (SPEC §6, issue 8: "what happens in
-- the other modules enters the record by itself, with no entry typed twice").
--
-- The one idea: the view duty_due says, for every source, which records ought to exist now - one
-- row per deputy and source item (an attended activity, a visit received, an opinion answered, a
-- suggestion accepted or co-signed, a ballot cast, a campaign task done). The module tables only
-- say what changed, by inserting a row into duty_source_checks; that table's trigger brings the
-- records of that item in line with duty_due (INSERT OR IGNORE against duty_records_source, so a
-- repeated event writes nothing; a record no longer due is deleted) and drops the row. The
-- triggers run inside each module's own write transaction, so a record comes and goes atomically
-- with its cause, for the API, the demo generator and bulk loads alike; every statement reads by
-- index (tests/unit/test_query_plans.c checks it).
--
-- Records written here are confirmed at once (state confirmed, created_by NULL); confirmed_at is
-- the time of the event where its row keeps one. A record that someone has attached photos to is
-- kept when its cause goes (the photos are theirs; deleting it would also fail the module's write
-- on the foreign key). An existing record is not rewritten when its cause is edited later: its
-- day and title are those of the event that wrote it.

-- Lookups by source item (the unique index duty_records_source leads with the deputy).
CREATE INDEX duty_records_source_item ON duty_records(source, source_id, deputy_id);

-- What a campaign task has done, item by item, for the duty record: the rows the count of
-- store_campaign_tasks_each (src/store/campaigns.c) counts - the campaign's items of the task's
-- kind in which the task's deputy, or a deputy of its group, took part (a visit received at an
-- activity they were not marked absent at, an opinion sent or given to them) - except that an
-- activity counts once their attendance is filed: the campaign's progress counts one announced
-- for the days ahead, but a duty is recorded only once it was done. at is when the item happened.
CREATE VIEW campaign_task_items AS
SELECT t.id AS task_id, ci.kind, ci.item_id,
       CASE ci.kind WHEN 'activity' THEN (SELECT a.starts_at FROM activities a WHERE a.id = ci.item_id)
                    WHEN 'visit' THEN (SELECT v.created_at FROM visits v WHERE v.id = ci.item_id)
                    ELSE (SELECT o.created_at FROM opinions o WHERE o.id = ci.item_id) END AS at
FROM campaign_tasks t JOIN campaign_items ci ON ci.campaign_id = t.campaign_id AND ci.kind = t.counts
WHERE (ci.kind = 'activity' AND EXISTS (SELECT 1 FROM activity_deputies ad
         WHERE ad.activity_id = ci.item_id AND ad.attended = 1
           AND (ad.deputy_id = t.deputy_id OR ad.deputy_id IN (SELECT m.id FROM deputies m
                WHERE m.group_id = t.group_id AND m.deleted_at IS NULL))))
   OR (ci.kind = 'visit' AND EXISTS (SELECT 1 FROM visits v JOIN activity_deputies ad ON ad.activity_id = v.activity_id
         WHERE v.id = ci.item_id AND coalesce(ad.attended, 1) = 1
           AND (ad.deputy_id = t.deputy_id OR ad.deputy_id IN (SELECT m.id FROM deputies m
                WHERE m.group_id = t.group_id AND m.deleted_at IS NULL))))
   OR (ci.kind = 'opinion' AND EXISTS (SELECT 1 FROM opinions o WHERE o.id = ci.item_id
         AND ((o.deputy_id = t.deputy_id OR o.deputy_id IN (SELECT m.id FROM deputies m
               WHERE m.group_id = t.group_id AND m.deleted_at IS NULL))
          OR (o.owner_deputy_id = t.deputy_id OR o.owner_deputy_id IN (SELECT m.id FROM deputies m
               WHERE m.group_id = t.group_id AND m.deleted_at IS NULL)))));

-- The records each source owes, with the deputy's region and the time of the event (at).
CREATE VIEW duty_due AS
-- attended an activity: its kind decides the duty's
SELECT 'activity' AS source, ad.activity_id AS source_id, ad.deputy_id, d.region_code,
       CASE a.kind WHEN 'reception' THEN 'reception' WHEN 'group' THEN 'group' WHEN 'inspection' THEN 'inspection'
                   WHEN 'research' THEN 'inspection' WHEN 'report' THEN 'report' ELSE 'meeting' END AS kind,
       a.title, date(a.starts_at, 'unixepoch', '+8 hours') AS happened_on, NULL AS at
FROM activity_deputies ad JOIN activities a ON a.id = ad.activity_id JOIN deputies d ON d.id = ad.deputy_id
WHERE ad.attended = 1
UNION ALL
-- received a visitor: each deputy of the activity not marked absent
SELECT 'visit', v.id, ad.deputy_id, d.region_code, 'reception', '接待来访群众：' || v.topic,
       date(v.created_at, 'unixepoch', '+8 hours'), v.created_at
FROM visits v JOIN activity_deputies ad ON ad.activity_id = v.activity_id JOIN deputies d ON d.id = ad.deputy_id
WHERE ad.attended IS NOT 0
UNION ALL
-- answered an opinion given to them (the tracking code only: never the constituent's data)
SELECT 'opinion', o.id, o.owner_deputy_id, d.region_code, 'online', '答复群众意见 ' || o.tracking_code,
       date(o.answered_at, 'unixepoch', '+8 hours'), o.answered_at
FROM opinions o JOIN deputies d ON d.id = o.owner_deputy_id
WHERE o.answered_at IS NOT NULL
UNION ALL
-- led a suggestion that was accepted (立案)
SELECT 'suggestion', s.id, s.deputy_id, d.region_code, 'suggestion', '领衔：' || s.title,
       date(s.accepted_at, 'unixepoch', '+8 hours'), s.accepted_at
FROM suggestions s JOIN deputies d ON d.id = s.deputy_id
WHERE s.accepted_at IS NOT NULL
UNION ALL
-- co-signed one: confirmed, and the suggestion accepted - dated by whichever came last
SELECT 'cosign', c.suggestion_id, c.deputy_id, d.region_code, 'suggestion', '附议：' || s.title,
       date(max(s.accepted_at, coalesce(c.answered_at, 0)), 'unixepoch', '+8 hours'),
       max(s.accepted_at, coalesce(c.answered_at, 0))
FROM suggestion_cosigners c JOIN suggestions s ON s.id = c.suggestion_id JOIN deputies d ON d.id = c.deputy_id
WHERE c.state = 'confirmed' AND s.accepted_at IS NOT NULL
UNION ALL
-- voted in a ballot: the roll keeps no time, so the day is the day the roll row is written
SELECT 'ballot', r.ballot_id, r.deputy_id, d.region_code, 'meeting', '参加票决：' || b.title,
       date('now', '+8 hours'), CAST(strftime('%s', 'now') AS INTEGER)
FROM ballot_roll r JOIN ballots b ON b.id = r.ballot_id JOIN deputies d ON d.id = r.deputy_id
UNION ALL
-- did a campaign task of their own: dated by the item that reached the target
SELECT 'campaign', t.id, t.deputy_id, d.region_code, 'campaign', c.theme || '：' || t.title,
       date(t.reached_at, 'unixepoch', '+8 hours'), t.reached_at
FROM (SELECT t.*, (SELECT counted.at FROM (SELECT i.at, row_number() OVER (ORDER BY i.at, i.item_id) AS n
                                           FROM campaign_task_items i WHERE i.task_id = t.id) counted
                   WHERE counted.n = t.target) AS reached_at
      FROM campaign_tasks t) t
JOIN campaigns c ON c.id = t.campaign_id JOIN deputies d ON d.id = t.deputy_id
WHERE t.reached_at IS NOT NULL;

-- "Look again at this item" (for one deputy, or all when deputy_id is NULL). Rows never stay.
-- source 'attendance' (source_id an activity) stands for everything one deputy's attendance
-- there decides: the activity, its visits, and the campaign tasks counting either.
CREATE TABLE duty_source_checks (
    source    TEXT NOT NULL,
    source_id INTEGER NOT NULL,
    deputy_id INTEGER
);

CREATE TRIGGER duty_source_attendance BEFORE INSERT ON duty_source_checks WHEN NEW.source = 'attendance'
BEGIN
    INSERT INTO duty_source_checks VALUES ('activity', NEW.source_id, NEW.deputy_id);
    INSERT INTO duty_source_checks SELECT 'visit', v.id, NEW.deputy_id FROM visits v WHERE v.activity_id = NEW.source_id;
    INSERT INTO duty_source_checks SELECT 'campaign', t.id, NULL
        FROM campaign_items ci JOIN campaign_tasks t ON t.campaign_id = ci.campaign_id AND t.counts = ci.kind
        WHERE ci.kind = 'activity' AND ci.item_id = NEW.source_id AND t.deputy_id = NEW.deputy_id;
    INSERT INTO duty_source_checks SELECT 'campaign', t.id, NULL
        FROM visits v JOIN campaign_items ci ON ci.kind = 'visit' AND ci.item_id = v.id
        JOIN campaign_tasks t ON t.campaign_id = ci.campaign_id AND t.counts = ci.kind
        WHERE v.activity_id = NEW.source_id AND t.deputy_id = NEW.deputy_id;
    SELECT RAISE(IGNORE);
END;

CREATE TRIGGER duty_source_apply BEFORE INSERT ON duty_source_checks WHEN NEW.source <> 'attendance'
BEGIN
    DELETE FROM duty_records
    WHERE source = NEW.source AND source_id = NEW.source_id AND deputy_id = coalesce(NEW.deputy_id, deputy_id)
      AND NOT EXISTS (SELECT 1 FROM duty_due WHERE duty_due.source = NEW.source AND duty_due.source_id = NEW.source_id
                        AND duty_due.deputy_id = duty_records.deputy_id)
      AND NOT EXISTS (SELECT 1 FROM duty_photos p WHERE p.record_id = duty_records.id);
    INSERT OR IGNORE INTO duty_records (deputy_id, region_code, kind, title, happened_on, source, source_id, state,
                                        confirmed_at, created_at, updated_at)
    SELECT deputy_id, region_code, kind, title, happened_on, source, source_id, 'confirmed',
           coalesce(at, CAST(strftime('%s', 'now') AS INTEGER)), CAST(strftime('%s', 'now') AS INTEGER),
           CAST(strftime('%s', 'now') AS INTEGER)
    FROM duty_due WHERE source = NEW.source AND source_id = NEW.source_id AND deputy_id = coalesce(NEW.deputy_id, deputy_id);
    SELECT RAISE(IGNORE);
END;

-- ---- the events ----

-- Activities: attendance is filed with the record (insert, or update from NULL/0 to 1); a
-- deputy taken off the activity goes with their records.
CREATE TRIGGER duty_attendance_new AFTER INSERT ON activity_deputies
BEGIN INSERT INTO duty_source_checks VALUES ('attendance', NEW.activity_id, NEW.deputy_id); END;
CREATE TRIGGER duty_attendance_changed AFTER UPDATE OF attended ON activity_deputies
WHEN OLD.attended IS NOT NEW.attended
BEGIN INSERT INTO duty_source_checks VALUES ('attendance', NEW.activity_id, NEW.deputy_id); END;
CREATE TRIGGER duty_attendance_gone AFTER DELETE ON activity_deputies
BEGIN INSERT INTO duty_source_checks VALUES ('attendance', OLD.activity_id, OLD.deputy_id); END;

CREATE TRIGGER duty_visit_new AFTER INSERT ON visits
BEGIN INSERT INTO duty_source_checks VALUES ('visit', NEW.id, NULL); END;
CREATE TRIGGER duty_visit_gone AFTER DELETE ON visits
BEGIN INSERT INTO duty_source_checks VALUES ('visit', OLD.id, NULL); END;

-- Opinions: answered (answered_at is set by each answer; a second answer after a reopening finds
-- the record there), or given to another deputy. A campaign task counting opinions follows
-- whom the opinion is sent or given to.
CREATE TRIGGER duty_opinion_new AFTER INSERT ON opinions
WHEN NEW.answered_at IS NOT NULL AND NEW.owner_deputy_id IS NOT NULL
BEGIN INSERT INTO duty_source_checks VALUES ('opinion', NEW.id, NULL); END;
CREATE TRIGGER duty_opinion_answered AFTER UPDATE OF answered_at, owner_deputy_id ON opinions
WHEN OLD.answered_at IS NOT NEW.answered_at OR OLD.owner_deputy_id IS NOT NEW.owner_deputy_id
BEGIN INSERT INTO duty_source_checks VALUES ('opinion', NEW.id, NULL); END;
CREATE TRIGGER duty_opinion_deputies AFTER UPDATE OF deputy_id, owner_deputy_id ON opinions
WHEN OLD.deputy_id IS NOT NEW.deputy_id OR OLD.owner_deputy_id IS NOT NEW.owner_deputy_id
BEGIN
    INSERT INTO duty_source_checks SELECT 'campaign', t.id, NULL
        FROM campaign_items ci JOIN campaign_tasks t ON t.campaign_id = ci.campaign_id AND t.counts = ci.kind
        WHERE ci.kind = 'opinion' AND ci.item_id = NEW.id AND t.deputy_id IS NOT NULL;
END;

-- Suggestions: accepted (accepted_at is set with the 立案 number) for the lead deputy and every
-- co-signer who has confirmed; a co-signer confirming later, or declining, or taken off.
CREATE TRIGGER duty_suggestion_new AFTER INSERT ON suggestions WHEN NEW.accepted_at IS NOT NULL
BEGIN
    INSERT INTO duty_source_checks VALUES ('suggestion', NEW.id, NULL);
    INSERT INTO duty_source_checks VALUES ('cosign', NEW.id, NULL);
END;
CREATE TRIGGER duty_suggestion_accepted AFTER UPDATE OF accepted_at, deputy_id ON suggestions
WHEN OLD.accepted_at IS NOT NEW.accepted_at OR OLD.deputy_id IS NOT NEW.deputy_id
BEGIN
    INSERT INTO duty_source_checks VALUES ('suggestion', NEW.id, NULL);
    INSERT INTO duty_source_checks VALUES ('cosign', NEW.id, NULL);
END;
CREATE TRIGGER duty_cosigner_new AFTER INSERT ON suggestion_cosigners WHEN NEW.state = 'confirmed'
BEGIN INSERT INTO duty_source_checks VALUES ('cosign', NEW.suggestion_id, NEW.deputy_id); END;
CREATE TRIGGER duty_cosigner_answered AFTER UPDATE OF state ON suggestion_cosigners
WHEN OLD.state IS NOT NEW.state
BEGIN INSERT INTO duty_source_checks VALUES ('cosign', NEW.suggestion_id, NEW.deputy_id); END;
CREATE TRIGGER duty_cosigner_gone AFTER DELETE ON suggestion_cosigners WHEN OLD.state = 'confirmed'
BEGIN INSERT INTO duty_source_checks VALUES ('cosign', OLD.suggestion_id, OLD.deputy_id); END;

-- Ballots: a roll row is a vote cast.
CREATE TRIGGER duty_ballot_cast AFTER INSERT ON ballot_roll
BEGIN INSERT INTO duty_source_checks VALUES ('ballot', NEW.ballot_id, NEW.deputy_id); END;
CREATE TRIGGER duty_ballot_uncast AFTER DELETE ON ballot_roll
BEGIN INSERT INTO duty_source_checks VALUES ('ballot', OLD.ballot_id, OLD.deputy_id); END;

-- Campaigns: a task is done when its items reach the target; tagging and untagging change that,
-- and so does a task made, changed or dropped (saving a campaign writes its tasks anew). A new
-- theme renames the records of its tasks.
CREATE TRIGGER duty_campaign_tagged AFTER INSERT ON campaign_items
BEGIN
    INSERT INTO duty_source_checks SELECT 'campaign', t.id, NULL FROM campaign_tasks t
        WHERE t.campaign_id = NEW.campaign_id AND t.counts = NEW.kind AND t.deputy_id IS NOT NULL;
END;
CREATE TRIGGER duty_campaign_untagged AFTER DELETE ON campaign_items
BEGIN
    INSERT INTO duty_source_checks SELECT 'campaign', t.id, NULL FROM campaign_tasks t
        WHERE t.campaign_id = OLD.campaign_id AND t.counts = OLD.kind AND t.deputy_id IS NOT NULL;
END;
CREATE TRIGGER duty_campaign_task_new AFTER INSERT ON campaign_tasks WHEN NEW.deputy_id IS NOT NULL
BEGIN INSERT INTO duty_source_checks VALUES ('campaign', NEW.id, NULL); END;
CREATE TRIGGER duty_campaign_task_changed AFTER UPDATE ON campaign_tasks
BEGIN INSERT INTO duty_source_checks VALUES ('campaign', NEW.id, NULL); END;
CREATE TRIGGER duty_campaign_task_gone AFTER DELETE ON campaign_tasks WHEN OLD.deputy_id IS NOT NULL
BEGIN INSERT INTO duty_source_checks VALUES ('campaign', OLD.id, NULL); END;
CREATE TRIGGER duty_campaign_theme AFTER UPDATE OF theme ON campaigns WHEN OLD.theme IS NOT NEW.theme
BEGIN
    UPDATE duty_records SET title = NEW.theme || '：' || (SELECT t.title FROM campaign_tasks t WHERE t.id = source_id)
    WHERE source = 'campaign' AND source_id IN (SELECT t.id FROM campaign_tasks t WHERE t.campaign_id = NEW.id);
END;
