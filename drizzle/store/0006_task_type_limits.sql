CREATE TABLE `task_type_limits` (
	`type` text PRIMARY KEY NOT NULL,
	`max_running` integer NOT NULL,
	`set_by` text NOT NULL,
	`set_at` integer NOT NULL
);
