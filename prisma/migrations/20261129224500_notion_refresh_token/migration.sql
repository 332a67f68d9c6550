-- The refresh token Notion issues with the access token, encrypted like it.
ALTER TABLE "NotionConnection" ADD COLUMN "refreshTokenEncrypted" TEXT;
