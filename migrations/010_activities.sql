-- Reception days, activities, bookings and visits (SPEC §4).
--
-- A station's recurring reception days are rules (src/domain/schedule.h) with a duty roster; each
-- day a rule falls on becomes an activity of kind 'reception', so a reception day, a 视察 and a
-- 述职会 are booked, staffed and recorded the same way. Times are UTC seconds.

CREATE TABLE reception_rules (
    id          INTEGER PRIMARY KEY,
    station_id  INTEGER NOT NULL REFERENCES stations(id),
    region_code TEXT NOT NULL REFERENCES regions(code),  -- the station's, for scopes
    rule        TEXT NOT NULL,                           -- "weekly MON 09:00-11:30"
    place       TEXT NOT NULL DEFAULT '',
    capacity    INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER
);
CREATE INDEX reception_rules_station ON reception_rules(station_id);

-- The duty roster: the deputies on duty each day the rule falls on.
CREATE TABLE rule_duties (
    rule_id   INTEGER NOT NULL REFERENCES reception_rules(id),
    deputy_id INTEGER NOT NULL REFERENCES deputies(id),
    PRIMARY KEY (rule_id, deputy_id)
) WITHOUT ROWID;

CREATE TABLE activities (
    id          INTEGER PRIMARY KEY,
    station_id  INTEGER NOT NULL REFERENCES stations(id),
    region_code TEXT NOT NULL REFERENCES regions(code),
    kind        TEXT NOT NULL CHECK (kind IN ('reception', 'group', 'inspection', 'research', 'report',
                                              'legislative', 'other')),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 10000), -- 0: nobody books it
    booked      INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL DEFAULT 'announced' CHECK (state IN ('announced', 'held', 'cancelled')),
    rule_id     INTEGER REFERENCES reception_rules(id),  -- the reception rule it came from
    -- the record filed afterwards
    visitors    INTEGER,                                 -- how many people came
    summary     TEXT,                                    -- what was raised
    recorded_by INTEGER REFERENCES users(id),
    recorded_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (booked BETWEEN 0 AND capacity)                -- no overbooking, whatever the code does
);
CREATE INDEX activities_station ON activities(station_id, starts_at);
CREATE INDEX activities_region ON activities(region_code, starts_at);
CREATE UNIQUE INDEX activities_rule_day ON activities(rule_id, starts_at) WHERE rule_id IS NOT NULL;

-- The deputies taking part; attended is filed with the record (NULL before it).
CREATE TABLE activity_deputies (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    deputy_id   INTEGER NOT NULL REFERENCES deputies(id),
    attended    INTEGER CHECK (attended IN (0, 1)),
    PRIMARY KEY (activity_id, deputy_id)
) WITHOUT ROWID;
CREATE INDEX activity_deputies_deputy ON activity_deputies(deputy_id, activity_id);

CREATE TABLE activity_photos (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    mime        TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes       INTEGER NOT NULL,
    data        BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX activity_photos_activity ON activity_photos(activity_id);

-- 线上预约: one seat of an activity. The constituent's name and phone are sealed like an opinion's.
CREATE TABLE bookings (
    id            INTEGER PRIMARY KEY,
    activity_id   INTEGER NOT NULL REFERENCES activities(id),
    code          TEXT NOT NULL UNIQUE,                  -- the confirmation code
    topic         TEXT NOT NULL,
    name_sealed   TEXT,
    phone_sealed  TEXT NOT NULL,
    phone_hash    TEXT NOT NULL,
    phone4        TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'confirmed'
                  CHECK (state IN ('confirmed', 'cancelled', 'checked_in', 'no_show')),
    reminded_at   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX bookings_activity ON bookings(activity_id, state);
-- one live booking a phone per activity
CREATE UNIQUE INDEX bookings_phone_once ON bookings(activity_id, phone_hash) WHERE state <> 'cancelled';

-- A reception record: one visitor received at an activity, from a booking or walking in.
CREATE TABLE visits (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id),
    booking_id   INTEGER UNIQUE REFERENCES bookings(id),
    station_id   INTEGER NOT NULL REFERENCES stations(id),
    region_code  TEXT NOT NULL REFERENCES regions(code),
    topic        TEXT NOT NULL,
    name_sealed  TEXT,
    phone_sealed TEXT,
    phone_hash   TEXT,
    phone4       TEXT NOT NULL DEFAULT '',
    received_by  TEXT NOT NULL DEFAULT '',               -- the deputies and staff who received
    created_by   INTEGER REFERENCES users(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX visits_station ON visits(station_id, created_at);
CREATE INDEX visits_activity ON visits(activity_id);

-- What a visitor raised goes into the opinion loop, linked to the visit.
ALTER TABLE opinions ADD COLUMN visit_id INTEGER REFERENCES visits(id);
CREATE INDEX opinions_visit ON opinions(visit_id) WHERE visit_id IS NOT NULL;
