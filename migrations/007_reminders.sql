-- Deadline reminders (SPEC §3: owners and units hear when a deadline nears): the deadline a
-- reminder was last sent for, so each deadline is announced once, and again after it moves.
ALTER TABLE opinions ADD COLUMN reminded_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN reminded_due INTEGER NOT NULL DEFAULT 0;
CREATE INDEX referrals_due ON referrals(due) WHERE state IN ('sent', 'accepted');
