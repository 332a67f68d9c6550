-- Notion's owner object (the person's name and e-mail) was stored and never used: no longer kept.
ALTER TABLE "NotionConnection" DROP COLUMN "ownerJson";
