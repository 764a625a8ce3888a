-- Registry (SPEC §2): congresses, deputies and their seats, stations with hubs and spokes,
-- handling units and deputy groups. Rows are never deleted: deleted_at hides them, so history stays.

CREATE TABLE congresses (
    id          INTEGER PRIMARY KEY,
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5), -- 1 national .. 5 township
    region_code TEXT REFERENCES regions(code),                  -- NULL only for the national congress
    term        INTEGER NOT NULL CHECK (term BETWEEN 1 AND 99), -- 届
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER,
    CHECK ((level = 1) = (region_code IS NULL))
);
CREATE UNIQUE INDEX congresses_term ON congresses(level, coalesce(region_code, ''), term) WHERE deleted_at IS NULL;
CREATE INDEX congresses_region ON congresses(region_code);

CREATE TABLE units (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    parent_government TEXT NOT NULL DEFAULT '', -- e.g. 如东县人民政府
    region_code       TEXT NOT NULL REFERENCES regions(code),
    contact_name      TEXT NOT NULL DEFAULT '',
    contact_phone     TEXT NOT NULL DEFAULT '', -- an office line, public
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    deleted_at        INTEGER
);
CREATE INDEX units_region ON units(region_code);

CREATE TABLE stations (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('home', 'hub', 'spoke', 'legislative', 'budget',
                                              'overseas', 'economic', 'professional', 'online')),
    region_code   TEXT NOT NULL REFERENCES regions(code),
    hub_id        INTEGER REFERENCES stations(id),   -- a spoke's hub
    address       TEXT NOT NULL DEFAULT '',
    latitude      REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude     REAL CHECK (longitude BETWEEN -180 AND 180),
    hours         TEXT NOT NULL DEFAULT '',
    contact_name  TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',          -- the station's public line
    description   TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER,
    CHECK (hub_id IS NULL OR hub_id <> id)
);
CREATE INDEX stations_region ON stations(region_code);
CREATE INDEX stations_hub ON stations(hub_id);

CREATE TABLE deputy_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions(code),
    leader_id   INTEGER REFERENCES deputies(id),
    station_id  INTEGER REFERENCES stations(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER
);
CREATE INDEX deputy_groups_region ON deputy_groups(region_code);

CREATE TABLE deputies (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    gender             TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    ethnicity          TEXT NOT NULL DEFAULT '汉族',
    region_code        TEXT NOT NULL REFERENCES regions(code),  -- where they serve, for scopes
    occupation         TEXT NOT NULL DEFAULT '',
    sector             TEXT NOT NULL DEFAULT '',                -- 界别
    biography          TEXT NOT NULL DEFAULT '',
    photo              TEXT NOT NULL DEFAULT '',
    contact_preference TEXT NOT NULL DEFAULT 'station' CHECK (contact_preference IN ('station', 'online', 'phone')),
    phone_sealed       TEXT NOT NULL DEFAULT '',                -- personal phone, encrypted (vault)
    phone_public       INTEGER NOT NULL DEFAULT 0 CHECK (phone_public IN (0, 1)),
    group_id           INTEGER REFERENCES deputy_groups(id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    deleted_at         INTEGER
);
CREATE INDEX deputies_region ON deputies(region_code);
CREATE INDEX deputies_group ON deputies(group_id);

-- A person may sit in several congresses at once (e.g. county and city).
CREATE TABLE deputy_seats (
    deputy_id   INTEGER NOT NULL REFERENCES deputies(id),
    congress_id INTEGER NOT NULL REFERENCES congresses(id),
    district    TEXT NOT NULL DEFAULT '', -- 选区 or electing unit
    PRIMARY KEY (deputy_id, congress_id)
) WITHOUT ROWID;
CREATE INDEX deputy_seats_congress ON deputy_seats(congress_id);

-- 混合编组进站: one station holds deputies of several levels.
CREATE TABLE station_deputies (
    station_id INTEGER NOT NULL REFERENCES stations(id),
    deputy_id  INTEGER NOT NULL REFERENCES deputies(id),
    PRIMARY KEY (station_id, deputy_id)
) WITHOUT ROWID;
CREATE INDEX station_deputies_deputy ON station_deputies(deputy_id);

-- Chinese substring search without word segmentation: trigram full-text indexes whose rowid is
-- the record's id, kept by triggers. (Regions are searched by name within a subtree instead.)
CREATE VIRTUAL TABLE station_search USING fts5(text, tokenize = 'trigram');
CREATE VIRTUAL TABLE deputy_search USING fts5(text, tokenize = 'trigram');

CREATE TRIGGER stations_search_ins AFTER INSERT ON stations BEGIN
    INSERT INTO station_search (rowid, text) VALUES (new.id, new.name || ' ' || new.address);
END;
CREATE TRIGGER stations_search_upd AFTER UPDATE OF name, address ON stations BEGIN
    UPDATE station_search SET text = new.name || ' ' || new.address WHERE rowid = new.id;
END;
CREATE TRIGGER deputies_search_ins AFTER INSERT ON deputies BEGIN
    INSERT INTO deputy_search (rowid, text) VALUES (new.id, new.name || ' ' || new.occupation);
END;
CREATE TRIGGER deputies_search_upd AFTER UPDATE OF name, occupation ON deputies BEGIN
    UPDATE deputy_search SET text = new.name || ' ' || new.occupation WHERE rowid = new.id;
END;
