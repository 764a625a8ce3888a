-- The trigram indexes are kept by the store's own statements instead of triggers: FTS5 flushes its
-- pending terms at every statement savepoint, so a trigger per row made a 90,000-row sheet take
-- seven times longer than one statement filling the index after the rows are in.
DROP TRIGGER stations_search_ins;
DROP TRIGGER stations_search_upd;
DROP TRIGGER deputies_search_ins;
DROP TRIGGER deputies_search_upd;
