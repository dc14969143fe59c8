DROP INDEX `tasks_state_priority_idx`;--> statement-breakpoint
CREATE INDEX `tasks_claimable_idx` ON `tasks` ("priority" DESC,`created_at`,`id`) WHERE "tasks"."state" IN ('queued', 'failed');