CREATE TABLE `worker_metrics` (
	`worker_id` text PRIMARY KEY NOT NULL,
	`reported_at` integer NOT NULL,
	`metrics` text NOT NULL
);
