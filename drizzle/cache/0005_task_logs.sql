CREATE TABLE `task_logs` (
	`task_id` text PRIMARY KEY NOT NULL,
	`fraction` real,
	`progress_message` text,
	`updated_at` integer,
	`record` text NOT NULL
);
