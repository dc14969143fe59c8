CREATE TABLE `task_type_starts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `task_type_starts_type_at_idx` ON `task_type_starts` (`type`,`at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_task_type_limits` (
	`type` text PRIMARY KEY NOT NULL,
	`max_running` integer,
	`max_starts` integer,
	`interval_ms` integer,
	`set_by` text NOT NULL,
	`set_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_task_type_limits`("type", "max_running", "max_starts", "interval_ms", "set_by", "set_at") SELECT "type", "max_running", NULL, NULL, "set_by", "set_at" FROM `task_type_limits`;--> statement-breakpoint
DROP TABLE `task_type_limits`;--> statement-breakpoint
ALTER TABLE `__new_task_type_limits` RENAME TO `task_type_limits`;--> statement-breakpoint
PRAGMA foreign_keys=ON;