-- Station staff work for their stations as well as their region subtree (SPEC §1).
CREATE TABLE user_stations (
    user_id    INTEGER NOT NULL REFERENCES users(id),
    station_id INTEGER NOT NULL REFERENCES stations(id),
    PRIMARY KEY (user_id, station_id)
) WITHOUT ROWID;
CREATE INDEX user_stations_station ON user_stations(station_id);
