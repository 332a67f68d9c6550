import { describe, expect, it } from "vitest";
import { toDiscordMessage } from "../../bots/discord/outgoing.ts";

describe("chat messages in Discord's form", () => {
  it("shows a masked link in model- or video-derived text as typed, so it cannot hide where it leads", () => {
    const disguise = "[tiktok.com/verify](https://evil.example/login)";
    const message = toDiscordMessage({ text: `Saved: ${disguise}`, card: { title: disguise, description: `See ${disguise}` } });
    expect(message.content).toBe("Saved: \\[tiktok.com/verify\\](https://evil.example/login)");
    expect(message.embeds[0]!.title).toBe("\\[tiktok.com/verify\\](https://evil.example/login)");
    expect(message.embeds[0]!.description).toBe("See \\[tiktok.com/verify\\](https://evil.example/login)");
  });

  it("lets no message ping anyone: @everyone and <@id> in a title stay text", () => {
    const message = toDiscordMessage({ text: "Saved: @everyone <@123456789012345678>", card: { title: "@here", description: "<@&42>" } });
    expect(message.allowed_mentions).toEqual({ parse: [] });
  });

  it("keeps text within 2000 characters, ending cut text with an ellipsis", () => {
    const { content } = toDiscordMessage({ text: "a".repeat(2500) });
    expect(content).toHaveLength(2000);
    expect(content.endsWith("…")).toBe(true);
  });

  it("escapes markdown in text and cards but leaves links as they are", () => {
    const link = "https://www.tiktok.com/@chef_one/video/7_1";
    const message = toDiscordMessage({ text: `Saved *spicy* __noodles__: ${link}`, card: { title: "Fast_food", description: "**bold** claims" } });
    expect(message.content).toBe(`Saved \\*spicy\\* \\_\\_noodles\\_\\_: ${link}`);
    expect(message.embeds[0]).toMatchObject({ title: "Fast\\_food", description: "\\*\\*bold\\*\\* claims" });
  });

  it("turns a card into one embed within Discord's embed limits, with the database as footer", () => {
    const { embeds } = toDiscordMessage({
      text: "Saved",
      card: { title: "t".repeat(300), description: "d".repeat(5000), url: "https://www.notion.so/page-1", footer: "f".repeat(3000) },
    });
    expect(embeds).toHaveLength(1);
    const [embed] = embeds;
    expect(embed!.title).toHaveLength(256);
    expect(embed!.description).toHaveLength(4096);
    expect(embed!.url).toBe("https://www.notion.so/page-1");
    expect(embed!.title!.length + embed!.description!.length + embed!.footer!.text.length).toBeLessThanOrEqual(6000);
  });

  it("sends empty embeds and components when there are none, so an edit removes earlier ones", () => {
    expect(toDiscordMessage({ text: "Downloading…" })).toEqual({ content: "Downloading…", embeds: [], components: [], allowed_mentions: { parse: [] } });
  });

  it("makes link buttons (style 5) and callback buttons whose custom_id is the core's data", () => {
    const { components } = toDiscordMessage({
      text: "Pick",
      buttons: [[{ text: "Open in Notion", url: "https://www.notion.so/p" }], [{ text: "Try again", data: "retry:job-1" }]],
    });
    expect(components).toEqual([
      { type: 1, components: [{ type: 2, style: 5, label: "Open in Notion", url: "https://www.notion.so/p" }] },
      { type: 1, components: [{ type: 2, style: 1, label: "Try again", custom_id: "retry:job-1" }] },
    ]);
  });

  it("keeps to five rows of five buttons and 80-character labels", () => {
    const row = Array.from({ length: 7 }, (_, i) => ({ text: `${"x".repeat(90)}${i}`, data: `tag:${i}` }));
    const { components } = toDiscordMessage({ text: "Many", buttons: Array.from({ length: 7 }, () => row.map((b, i) => ({ ...b, data: `${b.data}-${i}` }))) });
    expect(components).toHaveLength(5);
    expect(components.every((r) => r.components.length === 5)).toBe(true);
    expect(components[0]!.components[0]).toMatchObject({ label: `${"x".repeat(79)}…` });
  });

  it("refuses button data Discord could not give back whole", () => {
    expect(() => toDiscordMessage({ text: "x", buttons: [[{ text: "Long", data: "d".repeat(101) }]] })).toThrow(/custom_id/);
  });
});
