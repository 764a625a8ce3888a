-- Indexes for what the server looks up by itself as the table grows: deadlines near (by state and
-- due date), answers left unrated (by state and answer time), the items merged into one, and a
-- unit's referrals newest first.
CREATE INDEX opinions_triage_due ON opinions(state, triage_due);
CREATE INDEX opinions_answered ON opinions(state, answered_at);
CREATE INDEX referrals_unit_id ON referrals(unit_id, id);
