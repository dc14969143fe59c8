CREATE TABLE `task_counts` (
	`state` text NOT NULL,
	`type` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`state`, `type`)
);
--> statement-breakpoint
CREATE INDEX `tasks_state_updated_idx` ON `tasks` (`state`,`updated_at`,`type`);--> statement-breakpoint
-- Custom: the counts of the tasks already cached, then triggers that keep them in step with
-- every insert, delete and change of state or type (the upsert's update path included).
INSERT INTO `task_counts` (`state`, `type`, `n`) SELECT `state`, `type`, count(*) FROM `tasks` GROUP BY `state`, `type`;
--> statement-breakpoint
CREATE TRIGGER `task_counts_ai` AFTER INSERT ON `tasks` BEGIN
  INSERT INTO task_counts(state, type, n) VALUES (new.state, new.type, 1)
    ON CONFLICT(state, type) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `task_counts_ad` AFTER DELETE ON `tasks` BEGIN
  UPDATE task_counts SET n = n - 1 WHERE state = old.state AND type = old.type;
END;
--> statement-breakpoint
CREATE TRIGGER `task_counts_au` AFTER UPDATE OF `state`, `type` ON `tasks`
  WHEN old.state IS NOT new.state OR old.type IS NOT new.type BEGIN
  UPDATE task_counts SET n = n - 1 WHERE state = old.state AND type = old.type;
  INSERT INTO task_counts(state, type, n) VALUES (new.state, new.type, 1)
    ON CONFLICT(state, type) DO UPDATE SET n = n + 1;
END;
