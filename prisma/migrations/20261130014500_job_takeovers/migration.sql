-- How often a job was taken over from a worker that died with it (or lost the database): a job
-- that brings down every worker running it is failed after JOB_MAX_ATTEMPTS of these.
ALTER TABLE "Job" ADD COLUMN "takeovers" INTEGER NOT NULL DEFAULT 0;
