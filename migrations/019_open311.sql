-- Open311 GeoReport v2 (SPEC §9): the API keys of the civic apps that post service requests,
-- and what such a post brought beside the opinion itself.
--
-- A key is shown once, when an admin makes it; only its BLAKE2b hash is kept, so a copy of the
-- database holds no working key. A key posts for places inside its region only, at most
-- per_minute requests a minute.

CREATE TABLE open311_keys (
    id          INTEGER PRIMARY KEY,
    key_hash    TEXT NOT NULL UNIQUE,               -- hex of the key's BLAKE2b hash
    name        TEXT NOT NULL,                      -- who the client is: "某某市民热线 App"
    region_code TEXT NOT NULL REFERENCES regions(code),
    per_minute  INTEGER NOT NULL DEFAULT 60 CHECK (per_minute BETWEEN 1 AND 10000),
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX open311_keys_region ON open311_keys(region_code);

-- One row per opinion that came in through Open311: which client sent it and the point it gave
-- (shown to nobody unless the constituent consented to publish).
CREATE TABLE open311_requests (
    opinion_id INTEGER PRIMARY KEY REFERENCES opinions(id),
    key_id     INTEGER NOT NULL REFERENCES open311_keys(id),
    latitude   REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude  REAL CHECK (longitude BETWEEN -180 AND 180)
);
CREATE INDEX open311_requests_key ON open311_requests(key_id);
