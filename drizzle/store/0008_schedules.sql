CREATE TABLE `schedule_runs` (
	`schedule_id` text NOT NULL,
	`slot_at` integer NOT NULL,
	`task_id` text NOT NULL,
	`fired_at` integer NOT NULL,
	`fired_by` text NOT NULL,
	PRIMARY KEY(`schedule_id`, `slot_at`)
);
--> statement-breakpoint
CREATE TABLE `schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`spec` text NOT NULL,
	`paused` integer NOT NULL,
	`horizon` integer NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schedules_name_unique` ON `schedules` (`name`);