-- The weekly digest (一周一汇总): which region office was sent which ISO week's digest through
-- the outbox, so the background ticker sends each once however often it runs.
CREATE TABLE digests_sent (
    region_code TEXT NOT NULL REFERENCES regions(code),
    week        TEXT NOT NULL,  -- "2026-W47"
    sent_at     INTEGER NOT NULL,
    PRIMARY KEY (region_code, week)
);

-- 半月一交办 reads the referrals sent in a half month.
CREATE INDEX referrals_created ON referrals(created_at);
