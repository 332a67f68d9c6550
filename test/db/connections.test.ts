import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { createConnectionRepository, type ConnectionRepository } from "../../src/db/connections.ts";
import { createTokenCipher } from "../../src/db/token-cipher.ts";
import { openFreshDatabase } from "../harness/postgres.ts";

const cipher = createTokenCipher([{ id: "primary", key: randomBytes(32).toString("base64") }]);
const grant = (accessToken: string) => ({
  accessToken,
  workspaceId: "ws-1",
  workspaceName: "Reel Notes",
  botId: "bot-1",
});

let fresh: Awaited<ReturnType<typeof openFreshDatabase>>;
let db: Database;
let connections: ConnectionRepository;

async function newUser(): Promise<string> {
  return (await db.prisma.user.create({ data: {} })).id;
}

beforeAll(async () => {
  fresh = await openFreshDatabase();
  db = fresh.db;
  connections = createConnectionRepository(db, cipher);
});
afterAll(async () => {
  await fresh?.cleanup();
});

describe("NotionConnection repository", () => {
  it("stores the token encrypted and gives it back decrypted", async () => {
    const userId = await newUser();
    await connections.save(userId, grant("ntn_first_token_123456"));
    const row = await db.prisma.notionConnection.findUniqueOrThrow({ where: { userId } });
    expect(row.accessTokenEncrypted).not.toContain("ntn_first_token_123456");
    expect(row.tokenKeyId).toBe("primary");
    expect(row.workspaceName).toBe("Reel Notes");
    // Notion's owner object (name, e-mail) is not kept: nothing uses it.
    expect(Object.keys(row).filter((column) => /owner|email/i.test(column))).toEqual([]);
    expect(await connections.loadAccessToken(userId)).toBe("ntn_first_token_123456");
  });

  it("linking again replaces the old token and clears a revocation", async () => {
    const userId = await newUser();
    await connections.save(userId, grant("ntn_old"));
    await connections.markRevoked(userId);
    expect(await connections.loadAccessToken(userId)).toBeUndefined();
    await connections.save(userId, grant("ntn_new"));
    expect(await connections.loadAccessToken(userId)).toBe("ntn_new");
    expect(await db.prisma.notionConnection.count({ where: { userId } })).toBe(1);
  });

  it("has no token for a user who never linked", async () => {
    expect(await connections.loadAccessToken(await newUser())).toBeUndefined();
  });

  it("deleting a connection also forgets the user's schemas but not other users'", async () => {
    const userId = await newUser();
    const otherId = await newUser();
    for (const id of [userId, otherId]) {
      await connections.save(id, grant("ntn_x"));
      await db.prisma.notionSchema.create({
        data: { userId: id, databaseId: "db", dataSourceId: "ds", title: "Recipes", tag: "recipes", properties: {} },
      });
    }
    await connections.remove(userId);
    expect(await db.prisma.notionConnection.count({ where: { userId } })).toBe(0);
    expect(await db.prisma.notionSchema.count({ where: { userId } })).toBe(0);
    expect(await db.prisma.notionSchema.count({ where: { userId: otherId } })).toBe(1);
    expect(await connections.loadAccessToken(otherId)).toBe("ntn_x");
  });
});
