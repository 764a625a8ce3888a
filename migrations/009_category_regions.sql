-- Categories belong to a region: NULL for the national set every form offers, else the region of
-- the office that added them, whose forms (and those of the regions below it) offer them too. An
-- office changes only its own; the national set is a province office's to change.
ALTER TABLE categories ADD COLUMN region_code TEXT REFERENCES regions(code);
