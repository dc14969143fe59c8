CREATE TABLE "audit_records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"before" text,
	"after" text,
	"result" text NOT NULL,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "counters" (
	"name" text PRIMARY KEY NOT NULL,
	"value" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"kind" text NOT NULL,
	"task_id" text,
	"worker_id" text,
	"actor" text NOT NULL,
	"data" text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "locks" (
	"task_id" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"owner_id" text,
	"acquired_at" bigint,
	"expires_at" bigint,
	"metadata" text
);
--> statement-breakpoint
CREATE TABLE "memory" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text,
	"version" bigint NOT NULL,
	"writer_id" text NOT NULL,
	"updated_at" bigint NOT NULL,
	"deleted" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schedule_runs" (
	"schedule_id" text NOT NULL,
	"slot_at" bigint NOT NULL,
	"task_id" text NOT NULL,
	"fired_at" bigint NOT NULL,
	"fired_by" text NOT NULL,
	CONSTRAINT "schedule_runs_schedule_id_slot_at_pk" PRIMARY KEY("schedule_id","slot_at")
);
--> statement-breakpoint
CREATE TABLE "schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"spec" text NOT NULL,
	"paused" boolean NOT NULL,
	"horizon" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" text NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "schedules_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_dependencies" (
	"task_id" text NOT NULL,
	"depends_on_id" text NOT NULL,
	CONSTRAINT "task_dependencies_task_id_depends_on_id_pk" PRIMARY KEY("task_id","depends_on_id")
);
--> statement-breakpoint
CREATE TABLE "task_log_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"at" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"fields" text
);
--> statement-breakpoint
CREATE TABLE "task_logs" (
	"task_id" text PRIMARY KEY NOT NULL,
	"fraction" double precision,
	"progress_message" text,
	"progress_at" bigint,
	"progress_attempt" integer,
	"dropped" integer NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_type_limits" (
	"type" text PRIMARY KEY NOT NULL,
	"max_running" integer,
	"max_starts" integer,
	"interval_ms" bigint,
	"set_by" text NOT NULL,
	"set_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_type_pauses" (
	"type" text PRIMARY KEY NOT NULL,
	"paused_by" text NOT NULL,
	"paused_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_type_starts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"priority" integer NOT NULL,
	"params" text NOT NULL,
	"state" text NOT NULL,
	"attempts" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"timeout_ms" bigint NOT NULL,
	"run_at" bigint NOT NULL,
	"pinned_worker_id" text,
	"affinity_key" text,
	"depends_on" text DEFAULT '[]' NOT NULL,
	"on_dependency_failure" text DEFAULT 'cancel' NOT NULL,
	"worker_id" text,
	"fencing_token" bigint,
	"result" text,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"started_at" bigint,
	"finished_at" bigint
);
--> statement-breakpoint
CREATE TABLE "worker_metrics" (
	"worker_id" text PRIMARY KEY NOT NULL,
	"reported_at" bigint NOT NULL,
	"metrics" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"version" text NOT NULL,
	"max_concurrency" integer NOT NULL,
	"supported_task_types" text NOT NULL,
	"cpu_cores" double precision NOT NULL,
	"memory_mb" integer NOT NULL,
	"labels" text NOT NULL,
	"heartbeat_interval_ms" bigint NOT NULL,
	"lease_ms" bigint NOT NULL,
	"health_url" text,
	"state" text NOT NULL,
	"active_tasks" integer NOT NULL,
	"registered_at" bigint NOT NULL,
	"last_heartbeat_at" bigint NOT NULL,
	"state_changed_at" bigint NOT NULL,
	"drain_requested" boolean NOT NULL
);
--> statement-breakpoint
ALTER TABLE "locks" ADD CONSTRAINT "locks_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_dependencies" ADD CONSTRAINT "task_dependencies_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_dependencies" ADD CONSTRAINT "task_dependencies_depends_on_id_tasks_id_fk" FOREIGN KEY ("depends_on_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_log_lines" ADD CONSTRAINT "task_log_lines_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_logs" ADD CONSTRAINT "task_logs_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worker_metrics" ADD CONSTRAINT "worker_metrics_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_records_actor_idx" ON "audit_records" USING btree ("actor","id");--> statement-breakpoint
CREATE INDEX "audit_records_target_idx" ON "audit_records" USING btree ("target","id");--> statement-breakpoint
CREATE INDEX "audit_records_at_idx" ON "audit_records" USING btree ("at");--> statement-breakpoint
CREATE INDEX "events_task_idx" ON "events" USING btree ("task_id","id");--> statement-breakpoint
CREATE INDEX "events_heartbeat_at_idx" ON "events" USING btree ("at") WHERE "events"."kind" = 'worker.heartbeat';--> statement-breakpoint
CREATE INDEX "events_task_log_at_idx" ON "events" USING btree ("at") WHERE "events"."kind" = 'task.log';--> statement-breakpoint
CREATE INDEX "locks_owner_idx" ON "locks" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "task_dependencies_depends_on_idx" ON "task_dependencies" USING btree ("depends_on_id");--> statement-breakpoint
CREATE INDEX "task_log_lines_task_idx" ON "task_log_lines" USING btree ("task_id","id");--> statement-breakpoint
CREATE INDEX "task_type_starts_type_at_idx" ON "task_type_starts" USING btree ("type","at");--> statement-breakpoint
CREATE INDEX "tasks_state_run_at_idx" ON "tasks" USING btree ("state","run_at");--> statement-breakpoint
CREATE INDEX "tasks_claimable_idx" ON "tasks" USING btree ("priority" DESC,"created_at","id") WHERE "tasks"."state" IN ('queued', 'failed');--> statement-breakpoint
CREATE INDEX "tasks_worker_idx" ON "tasks" USING btree ("worker_id","state");--> statement-breakpoint
CREATE INDEX "tasks_finished_idx" ON "tasks" USING btree ("finished_at") WHERE "tasks"."state" IN ('succeeded', 'dead', 'cancelled');--> statement-breakpoint
CREATE INDEX "workers_state_idx" ON "workers" USING btree ("state");