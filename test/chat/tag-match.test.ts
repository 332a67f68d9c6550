import { describe, expect, it } from "vitest";
import { hashtagsIn, matchByName, normaliseName } from "../../src/chat/tag-match.ts";

const databases = [
  { title: "🍳 Recipes", tag: "recipes" },
  { title: "recipes!", tag: "recipes-2" },
  { title: "Café Notes", tag: "café-notes" },
  { title: "レシピ", tag: "レシピ" },
  { title: "Workouts", tag: "workouts" },
];

describe("choosing a database by name", () => {
  it("ignores case, accents and emoji", () => {
    expect(normaliseName("🍳 Récipes")).toBe("recipes");
    expect(matchByName("RECIPES", databases).match?.tag).toBe("recipes");
    expect(matchByName("cafe notes", databases).match?.tag).toBe("café-notes");
    expect(matchByName("レシピ", databases).match?.tag).toBe("レシピ");
  });

  it("prefers what the person typed exactly over a name that only normalises alike", () => {
    expect(matchByName("recipes!", databases).match?.tag).toBe("recipes-2");
    expect(matchByName("recipes-2", databases).match?.tag).toBe("recipes-2");
  });

  it("takes a unique beginning of a name", () => {
    expect(matchByName("work", databases).match?.tag).toBe("workouts");
  });

  it("suggests close names for a misspelling, and nothing for nonsense", () => {
    const { match, suggestions } = matchByName("wrkouts", databases);
    expect(match).toBeUndefined();
    expect(suggestions.map((s) => s.tag)).toEqual(["workouts"]);
    expect(matchByName("zzzzzzzz", databases).suggestions).toEqual([]);
  });

  it("reads #tags from a message but not from inside its links", () => {
    expect(hashtagsIn("so good #recipes https://www.tiktok.com/@a/video/1#foo #FoodTok")).toEqual(["recipes", "FoodTok"]);
  });
});
