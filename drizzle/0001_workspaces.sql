CREATE TABLE `repo_settings` (
	`repo_root` text PRIMARY KEY NOT NULL,
	`copy_files` text DEFAULT '[]' NOT NULL,
	`setup_command` text DEFAULT '' NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `task_workspaces` (
	`task_id` text PRIMARY KEY NOT NULL,
	`repo_root` text NOT NULL,
	`worktree_path` text NOT NULL,
	`branch` text NOT NULL,
	`base_branch` text NOT NULL,
	`subdir` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `tasks` ADD `isolation` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `base_branch` text;--> statement-breakpoint
-- Tasks that already ran did so in their own directory (their agent sessions live there): they keep running in place.
UPDATE `tasks` SET `isolation` = 'none' WHERE `id` IN (SELECT DISTINCT `task_id` FROM `executions`);
