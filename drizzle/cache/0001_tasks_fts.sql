-- Substring search over tasks (id, title, type, params) that stays fast at 100k+ rows:
-- an external-content FTS5 trigram index over tasks.search_text, kept in step by triggers.
-- It refers to tasks by rowid; VACUUM may renumber rowids of a table without an INTEGER
-- PRIMARY KEY, so after a VACUUM run: INSERT INTO tasks_fts(tasks_fts) VALUES('rebuild').
CREATE VIRTUAL TABLE `tasks_fts` USING fts5(search_text, content='tasks', content_rowid='rowid', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `tasks_fts_ai` AFTER INSERT ON `tasks` BEGIN
  INSERT INTO tasks_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
END;
--> statement-breakpoint
CREATE TRIGGER `tasks_fts_ad` AFTER DELETE ON `tasks` BEGIN
  INSERT INTO tasks_fts(tasks_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
--> statement-breakpoint
CREATE TRIGGER `tasks_fts_au` AFTER UPDATE OF `search_text` ON `tasks` WHEN old.search_text IS NOT new.search_text BEGIN
  INSERT INTO tasks_fts(tasks_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
  INSERT INTO tasks_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
END;
