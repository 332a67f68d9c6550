-- The person's chosen language, their chat app's language, and failures as i18n references.
ALTER TABLE "User" ADD COLUMN "language" TEXT;
ALTER TABLE "ChatIdentity" ADD COLUMN "locale" TEXT;
ALTER TABLE "Job" ADD COLUMN "errorText" JSONB;
