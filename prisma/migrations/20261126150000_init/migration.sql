-- CreateEnum
CREATE TYPE "ChatPlatform" AS ENUM ('TELEGRAM', 'DISCORD');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'WAITING_FOR_SCHEMA', 'WAITING_FOR_CONNECTION', 'RUNNING', 'DONE', 'FAILED');

-- CreateEnum
CREATE TYPE "JobStage" AS ENUM ('DOWNLOAD', 'EXTRACT', 'ANALYZE', 'SUMMARIZE', 'PUBLISH', 'NOTIFY', 'FINISHED');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "activeSchemaId" UUID,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChatIdentity" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "platform" "ChatPlatform" NOT NULL,
    "externalUserId" TEXT NOT NULL,
    "dmChatId" TEXT NOT NULL,
    "displayName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChatIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotionConnection" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "workspaceName" TEXT,
    "workspaceIcon" TEXT,
    "botId" TEXT NOT NULL,
    "ownerJson" JSONB,
    "accessTokenEncrypted" TEXT NOT NULL,
    "tokenKeyId" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotionConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotionSchema" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "databaseId" TEXT NOT NULL,
    "dataSourceId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "url" TEXT,
    "properties" JSONB NOT NULL,
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotionSchema_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "identityId" UUID NOT NULL,
    "sourceText" TEXT NOT NULL,
    "canonicalUrl" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "schemaId" UUID,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "stage" "JobStage" NOT NULL DEFAULT 'DOWNLOAD',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runAfter" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "checkpoints" JSONB NOT NULL DEFAULT '{}',
    "notionPageId" TEXT,
    "notionPageUrl" TEXT,
    "errorKind" TEXT,
    "errorMessage" TEXT,
    "progressMessage" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChatIdentity_userId_idx" ON "ChatIdentity"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ChatIdentity_platform_externalUserId_key" ON "ChatIdentity"("platform", "externalUserId");

-- CreateIndex
CREATE UNIQUE INDEX "NotionConnection_userId_key" ON "NotionConnection"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "NotionSchema_userId_tag_key" ON "NotionSchema"("userId", "tag");

-- CreateIndex
CREATE UNIQUE INDEX "NotionSchema_userId_dataSourceId_key" ON "NotionSchema"("userId", "dataSourceId");

-- CreateIndex
CREATE INDEX "Job_status_runAfter_idx" ON "Job"("status", "runAfter");

-- CreateIndex
CREATE INDEX "Job_leaseUntil_idx" ON "Job"("leaseUntil");

-- CreateIndex
CREATE INDEX "Job_userId_createdAt_idx" ON "Job"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "Job_userId_canonicalUrl_schemaId_idx" ON "Job"("userId", "canonicalUrl", "schemaId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_activeSchemaId_fkey" FOREIGN KEY ("activeSchemaId") REFERENCES "NotionSchema"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChatIdentity" ADD CONSTRAINT "ChatIdentity_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotionConnection" ADD CONSTRAINT "NotionConnection_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotionSchema" ADD CONSTRAINT "NotionSchema_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "ChatIdentity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_schemaId_fkey" FOREIGN KEY ("schemaId") REFERENCES "NotionSchema"("id") ON DELETE SET NULL ON UPDATE CASCADE;
