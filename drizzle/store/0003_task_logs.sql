CREATE TABLE `task_log_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` text NOT NULL,
	`at` integer NOT NULL,
	`attempt` integer NOT NULL,
	`level` text NOT NULL,
	`message` text NOT NULL,
	`fields` text,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `task_log_lines_task_idx` ON `task_log_lines` (`task_id`,`id`);--> statement-breakpoint
CREATE TABLE `task_logs` (
	`task_id` text PRIMARY KEY NOT NULL,
	`fraction` real,
	`progress_message` text,
	`progress_at` integer,
	`progress_attempt` integer,
	`dropped` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `events_task_log_at_idx` ON `events` (`at`) WHERE "events"."kind" = 'task.log';