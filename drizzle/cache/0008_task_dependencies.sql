CREATE TABLE `task_dependencies` (
	`depends_on_id` text NOT NULL,
	`task_id` text NOT NULL,
	PRIMARY KEY(`depends_on_id`, `task_id`)
);
--> statement-breakpoint
-- Custom: the edges of tasks cached before this table existed, from their records.
INSERT OR IGNORE INTO `task_dependencies` (`depends_on_id`, `task_id`)
SELECT `dep`.`value`, `tasks`.`id` FROM `tasks`, json_each(`tasks`.`record`, '$.dependsOn') AS `dep`
WHERE json_type(`tasks`.`record`, '$.dependsOn') = 'array';
