CREATE TABLE `execution_usage` (
	`execution_id` text NOT NULL,
	`transcript_path` text NOT NULL,
	`read_offset` integer DEFAULT 0 NOT NULL,
	`by_model` text DEFAULT '{}' NOT NULL,
	`recent_messages` text DEFAULT '[]' NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`execution_id`, `transcript_path`),
	FOREIGN KEY (`execution_id`) REFERENCES `executions`(`id`) ON UPDATE no action ON DELETE cascade
);
