CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`task_id` text,
	`worker_id` text,
	`actor` text NOT NULL,
	`data` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_task_idx` ON `events` (`task_id`,`id`);--> statement-breakpoint
CREATE TABLE `locks` (
	`task_id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`owner_id` text,
	`acquired_at` integer,
	`expires_at` integer,
	`metadata` text,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `locks_owner_idx` ON `locks` (`owner_id`);--> statement-breakpoint
CREATE TABLE `memory` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text,
	`version` integer NOT NULL,
	`writer_id` text NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`title` text NOT NULL,
	`priority` integer NOT NULL,
	`params` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer NOT NULL,
	`max_attempts` integer NOT NULL,
	`timeout_ms` integer NOT NULL,
	`run_at` integer NOT NULL,
	`pinned_worker_id` text,
	`affinity_key` text,
	`worker_id` text,
	`fencing_token` integer,
	`result` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `tasks_state_run_at_idx` ON `tasks` (`state`,`run_at`);--> statement-breakpoint
CREATE INDEX `tasks_state_priority_idx` ON `tasks` (`state`,`priority`,`created_at`);--> statement-breakpoint
CREATE INDEX `tasks_worker_idx` ON `tasks` (`worker_id`,`state`);--> statement-breakpoint
CREATE TABLE `workers` (
	`id` text PRIMARY KEY NOT NULL,
	`hostname` text NOT NULL,
	`pid` integer NOT NULL,
	`version` text NOT NULL,
	`max_concurrency` integer NOT NULL,
	`supported_task_types` text NOT NULL,
	`cpu_cores` real NOT NULL,
	`memory_mb` integer NOT NULL,
	`labels` text NOT NULL,
	`heartbeat_interval_ms` integer NOT NULL,
	`lease_ms` integer NOT NULL,
	`health_url` text,
	`state` text NOT NULL,
	`active_tasks` integer NOT NULL,
	`registered_at` integer NOT NULL,
	`last_heartbeat_at` integer NOT NULL,
	`state_changed_at` integer NOT NULL,
	`drain_requested` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `workers_state_idx` ON `workers` (`state`);