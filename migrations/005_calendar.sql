-- The working-day calendar (SPEC §3): the days that break the Monday-to-Friday rule, as the State
-- Council's notice lists them each year. 'holiday' is a day off (法定节假日, usually a weekday);
-- 'workday' is a weekend day worked (调休). Days not listed follow the weekday. Loaded with
-- `liaison calendar import FILE.csv`; see src/core/calendar.h for how deadlines use it.
CREATE TABLE calendar_days (
    day  TEXT PRIMARY KEY CHECK (length(day) = 10 AND day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT ''  -- what the day is for: 春节, 国庆节
) WITHOUT ROWID;
