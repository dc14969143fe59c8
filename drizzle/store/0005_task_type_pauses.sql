CREATE TABLE `task_type_pauses` (
	`type` text PRIMARY KEY NOT NULL,
	`paused_by` text NOT NULL,
	`paused_at` integer NOT NULL
);
