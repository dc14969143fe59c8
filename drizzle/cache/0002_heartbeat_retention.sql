ALTER TABLE `heartbeats` ADD `seen_until` integer;--> statement-breakpoint
CREATE INDEX `heartbeats_at_idx` ON `heartbeats` (`at`);