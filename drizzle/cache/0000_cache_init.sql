CREATE TABLE `api_budget` (
	`kind` text PRIMARY KEY NOT NULL,
	`used` integer NOT NULL,
	`remaining` integer,
	`limit` integer,
	`reset_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`operator` text NOT NULL,
	`action` text NOT NULL,
	`target` text NOT NULL,
	`params` text NOT NULL,
	`result` text NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `change_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`kinds` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `heartbeats` (
	`worker_id` text NOT NULL,
	`at` integer NOT NULL,
	`active_tasks` integer NOT NULL,
	`state` text NOT NULL,
	PRIMARY KEY(`worker_id`, `at`)
);
--> statement-breakpoint
CREATE TABLE `lock_handovers` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`kind` text NOT NULL,
	`owner_id` text,
	`token` integer,
	`actor` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lock_handovers_task_idx` ON `lock_handovers` (`task_id`,`at`);--> statement-breakpoint
CREATE TABLE `locks` (
	`task_id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`token` integer NOT NULL,
	`acquired_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`metadata` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `memory_entries` (
	`key` text PRIMARY KEY NOT NULL,
	`namespace` text NOT NULL,
	`value` text NOT NULL,
	`version` integer NOT NULL,
	`writer_id` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `memory_namespace_idx` ON `memory_entries` (`namespace`,`key`);--> statement-breakpoint
CREATE TABLE `sync_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `task_events` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`worker_id` text,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `task_events_task_idx` ON `task_events` (`task_id`,`event_id`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`title` text NOT NULL,
	`state` text NOT NULL,
	`priority` integer NOT NULL,
	`attempts` integer NOT NULL,
	`worker_id` text,
	`pinned_worker_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`search_text` text NOT NULL,
	`record` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tasks_created_idx` ON `tasks` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_state_created_idx` ON `tasks` (`state`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_type_created_idx` ON `tasks` (`type`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_worker_created_idx` ON `tasks` (`worker_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_state_type_idx` ON `tasks` (`state`,`type`);--> statement-breakpoint
CREATE TABLE `throughput_minute` (
	`minute` integer PRIMARY KEY NOT NULL,
	`succeeded` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `worker_events` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`worker_id` text NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `worker_events_worker_at_idx` ON `worker_events` (`worker_id`,`at`);--> statement-breakpoint
CREATE TABLE `workers` (
	`id` text PRIMARY KEY NOT NULL,
	`hostname` text NOT NULL,
	`state` text NOT NULL,
	`active_tasks` integer NOT NULL,
	`max_concurrency` integer NOT NULL,
	`last_heartbeat_at` integer NOT NULL,
	`record` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `workers_state_idx` ON `workers` (`state`);