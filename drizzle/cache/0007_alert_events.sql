CREATE TABLE `alert_events` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_events_at_idx` ON `alert_events` (`at`);