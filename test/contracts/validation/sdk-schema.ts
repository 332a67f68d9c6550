import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createGenerator } from "ts-json-schema-generator";

/**
 * JSON Schema made from an SDK's own TypeScript types (a types file naming the bodies), for the
 * services whose owners maintain their SDK's types rather than an OpenAPI document.
 */

/** What a schema was generated from: the installed SDK's version and the types file's sha256. */
export interface SchemaSource {
  package: string;
  version: string;
  typesSha256: string;
}

/** The source of a schema generated now from `typesFile` with the installed `sdkPackage`. */
export function sdkSchemaSource(sdkPackage: string, typesFile: string): SchemaSource {
  const manifest = JSON.parse(readFileSync(path.resolve("node_modules", sdkPackage, "package.json"), "utf8")) as { version: string };
  return { package: sdkPackage, version: manifest.version, typesSha256: createHash("sha256").update(readFileSync(typesFile)).digest("hex") };
}

/**
 * Runs ts-json-schema-generator over `typesFile` (seconds to tens of seconds): one draft-07
 * document with every type in `names` (and what they use) under `definitions`, objects closed.
 */
export function generateSdkSchema(sdkPackage: string, typesFile: string, names: readonly string[]): Record<string, unknown> {
  const generator = createGenerator({ path: typesFile, tsconfig: path.resolve("tsconfig.json"), skipTypeCheck: true, expose: "export", topRef: true, additionalProperties: false });
  const definitions: Record<string, unknown> = {};
  for (const name of names) Object.assign(definitions, generator.createSchema(name).definitions);
  return { $schema: "http://json-schema.org/draft-07/schema#", "x-generatedFrom": sdkSchemaSource(sdkPackage, typesFile), definitions };
}
