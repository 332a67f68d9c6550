import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataSourceInfo } from "../../src/notion/discovery.ts";
import { createSchemaRepository } from "../../src/db/schemas.ts";
import { openFreshDatabase } from "../harness/postgres.ts";

let fresh: Awaited<ReturnType<typeof openFreshDatabase>>;

beforeAll(async () => {
  fresh = await openFreshDatabase();
});
afterAll(() => fresh.cleanup());

const source = (title: string, id = randomUUID()): DataSourceInfo => ({
  databaseId: randomUUID(),
  dataSourceId: id,
  title,
  properties: { Name: { id: "title", name: "Name", type: "title" } },
});

async function newUser(): Promise<string> {
  return (await fresh.db.prisma.user.create({ data: {} })).id;
}

describe("the schema repository: sync", () => {
  it("stores one row per shared data source with unique tags", async () => {
    const userId = await newUser();
    const rows = await createSchemaRepository(fresh.db).sync(userId, [source("🍳 Recipes"), source("Recipes!"), source("recipes"), source("レシピ")]);
    expect(rows.map((r) => r.tag).sort()).toEqual(["recipes", "recipes-2", "recipes-3", "レシピ"].sort());
    expect(rows[0]!.properties).toMatchObject({ Name: { type: "title" } });
  });

  it("keeps tags stable, updates titles and properties, and deletes sources no longer shared", async () => {
    const userId = await newUser();
    const a = source("Recipes");
    const b = source("Recipes");
    const c = source("Workouts");
    const first = await createSchemaRepository(fresh.db).sync(userId, [a, b, c]);
    const tagOf = (rows: typeof first, id: string) => rows.find((r) => r.dataSourceId === id)?.tag;
    expect([tagOf(first, a.dataSourceId), tagOf(first, b.dataSourceId)]).toEqual(["recipes", "recipes-2"]);

    const renamed = { ...c, title: "Gym", properties: { ...c.properties, Reps: { id: "r", name: "Reps", type: "number" } } };
    const second = await createSchemaRepository(fresh.db).sync(userId, [b, renamed]);
    expect(second).toHaveLength(2);
    expect(tagOf(second, b.dataSourceId)).toBe("recipes-2");
    expect(tagOf(second, c.dataSourceId)).toBe("gym");
    expect(second.find((r) => r.dataSourceId === c.dataSourceId)!.properties).toHaveProperty("Reps");
    expect(await fresh.db.prisma.notionSchema.count({ where: { userId, dataSourceId: a.dataSourceId } })).toBe(0);
  });

  it("lets a renamed source take a tag another source gives up in the same sync", async () => {
    const userId = await newUser();
    const a = source("Alpha");
    const b = source("Beta");
    await createSchemaRepository(fresh.db).sync(userId, [a, b]);
    const rows = await createSchemaRepository(fresh.db).sync(userId, [{ ...a, title: "Beta" }, { ...b, title: "Alpha" }]);
    expect(rows.map((r) => [r.dataSourceId, r.tag])).toEqual(
      expect.arrayContaining([
        [a.dataSourceId, "beta"],
        [b.dataSourceId, "alpha"],
      ]),
    );
  });

  it("keeps each user's tags separate", async () => {
    const [one, two] = [await newUser(), await newUser()];
    await createSchemaRepository(fresh.db).sync(one, [source("Recipes")]);
    const rows = await createSchemaRepository(fresh.db).sync(two, [source("Recipes")]);
    expect(rows.map((r) => r.tag)).toEqual(["recipes"]);
  });
});
