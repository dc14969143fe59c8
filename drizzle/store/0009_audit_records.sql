CREATE TABLE `audit_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`role` text NOT NULL,
	`action` text NOT NULL,
	`target` text NOT NULL,
	`before` text,
	`after` text,
	`result` text NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE INDEX `audit_records_actor_idx` ON `audit_records` (`actor`,`id`);--> statement-breakpoint
CREATE INDEX `audit_records_target_idx` ON `audit_records` (`target`,`id`);--> statement-breakpoint
CREATE INDEX `audit_records_at_idx` ON `audit_records` (`at`);