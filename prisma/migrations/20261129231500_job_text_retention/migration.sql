-- A job's message is purged after JOB_TEXT_RETENTION_DAYS, with the texts in its checkpoints.
ALTER TABLE "Job" ALTER COLUMN "sourceText" DROP NOT NULL;
