/**
 * Keeps of an OpenAPI document only the given paths and the components they reach through
 * `$ref`, so the vendored copy holds what our endpoints need and nothing else.
 */

type Json = unknown;

function refsIn(value: Json, found: Set<string>): void {
  if (Array.isArray(value)) return value.forEach((v) => refsIn(v, found));
  if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "$ref" && typeof v === "string" && v.startsWith("#/components/")) found.add(v);
      else refsIn(v, found);
    }
  }
}

function pointer(doc: Record<string, Json>, ref: string): Json {
  return ref
    .slice(2)
    .split("/")
    .reduce<Json>((node, part) => (node as Record<string, Json> | undefined)?.[part.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
}

/** The document with only `keep` under `paths` and the components they reference, transitively. */
export function trimOpenApi(doc: Record<string, Json>, keep: string[]): Record<string, Json> {
  const paths = Object.fromEntries(keep.map((p) => [p, (doc.paths as Record<string, Json>)[p]]));
  const components: Record<string, Record<string, Json>> = {};
  const seen = new Set<string>();
  const queue = new Set<string>();
  refsIn(paths, queue);
  while (queue.size > 0) {
    const [ref] = queue;
    queue.delete(ref!);
    if (seen.has(ref!)) continue;
    seen.add(ref!);
    const [, , kind, name] = ref!.split("/") as [string, string, string, string];
    const target = pointer(doc, ref!);
    if (target === undefined) throw new Error(`${ref} is referenced but not defined`);
    (components[kind] ??= {})[name] = target;
    refsIn(target, queue);
  }
  const { openapi, info, servers } = doc;
  return { openapi, info, servers, paths, components };
}
