-- Full-text search in Chinese (SPEC §8) over opinions and their answers, suggestions and their
-- replies, and duty records. Each index is an FTS5 table with the trigram tokenizer, so any
-- substring of three characters or more is found without word segmentation, and holds no copy
-- of the text: it reads its content from the table it indexes (external content). Triggers keep
-- it current in the writing transaction; they index a NULL column as empty text, as 'rebuild'
-- does, so the values removed are always the values that were added.

CREATE VIRTUAL TABLE opinions_fts USING fts5(content, answer, content='opinions', content_rowid='id',
                                             tokenize='trigram');
INSERT INTO opinions_fts(opinions_fts) VALUES ('rebuild');

CREATE TRIGGER opinions_fts_insert AFTER INSERT ON opinions BEGIN
    INSERT INTO opinions_fts(rowid, content, answer) VALUES (NEW.id, NEW.content, coalesce(NEW.answer, ''));
END;
CREATE TRIGGER opinions_fts_update AFTER UPDATE OF content, answer ON opinions BEGIN
    INSERT INTO opinions_fts(opinions_fts, rowid, content, answer)
        VALUES ('delete', OLD.id, OLD.content, coalesce(OLD.answer, ''));
    INSERT INTO opinions_fts(rowid, content, answer) VALUES (NEW.id, NEW.content, coalesce(NEW.answer, ''));
END;
CREATE TRIGGER opinions_fts_delete AFTER DELETE ON opinions BEGIN
    INSERT INTO opinions_fts(opinions_fts, rowid, content, answer)
        VALUES ('delete', OLD.id, OLD.content, coalesce(OLD.answer, ''));
END;

CREATE VIRTUAL TABLE suggestions_fts USING fts5(title, content, reply_text, content='suggestions',
                                                content_rowid='id', tokenize='trigram');
INSERT INTO suggestions_fts(suggestions_fts) VALUES ('rebuild');

CREATE TRIGGER suggestions_fts_insert AFTER INSERT ON suggestions BEGIN
    INSERT INTO suggestions_fts(rowid, title, content, reply_text)
        VALUES (NEW.id, NEW.title, NEW.content, coalesce(NEW.reply_text, ''));
END;
CREATE TRIGGER suggestions_fts_update AFTER UPDATE OF title, content, reply_text ON suggestions BEGIN
    INSERT INTO suggestions_fts(suggestions_fts, rowid, title, content, reply_text)
        VALUES ('delete', OLD.id, OLD.title, OLD.content, coalesce(OLD.reply_text, ''));
    INSERT INTO suggestions_fts(rowid, title, content, reply_text)
        VALUES (NEW.id, NEW.title, NEW.content, coalesce(NEW.reply_text, ''));
END;
CREATE TRIGGER suggestions_fts_delete AFTER DELETE ON suggestions BEGIN
    INSERT INTO suggestions_fts(suggestions_fts, rowid, title, content, reply_text)
        VALUES ('delete', OLD.id, OLD.title, OLD.content, coalesce(OLD.reply_text, ''));
END;

CREATE VIRTUAL TABLE duty_records_fts USING fts5(title, body, content='duty_records', content_rowid='id',
                                                 tokenize='trigram');
INSERT INTO duty_records_fts(duty_records_fts) VALUES ('rebuild');

CREATE TRIGGER duty_records_fts_insert AFTER INSERT ON duty_records BEGIN
    INSERT INTO duty_records_fts(rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER duty_records_fts_update AFTER UPDATE OF title, body ON duty_records BEGIN
    INSERT INTO duty_records_fts(duty_records_fts, rowid, title, body) VALUES ('delete', OLD.id, OLD.title, OLD.body);
    INSERT INTO duty_records_fts(rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER duty_records_fts_delete AFTER DELETE ON duty_records BEGIN
    INSERT INTO duty_records_fts(duty_records_fts, rowid, title, body) VALUES ('delete', OLD.id, OLD.title, OLD.body);
END;
