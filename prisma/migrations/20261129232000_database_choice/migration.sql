-- A database's description from Notion, read when a database is chosen for a video.
ALTER TABLE "NotionSchema" ADD COLUMN "description" TEXT;
