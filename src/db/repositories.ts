/**
 * All repositories together: what the rest of the service gets instead of the database.
 * The composition root builds them once; tests of the core hand in in-memory ones.
 */
import type { Database } from "./client.ts";
import { createConnectionRepository, type ConnectionRepository } from "./connections.ts";
import { createJobRepository, type JobRepository } from "./jobs.ts";
import { createPeopleRepository, type PeopleRepository } from "./people.ts";
import { createSchemaRepository, type SchemaRepository } from "./schemas.ts";
import type { TokenCipher } from "./token-cipher.ts";
import { createUsageRepository, type UsageRepository } from "./usage.ts";

/** One repository per concern; the only way the rest of the service reaches a table. */
export interface Repositories {
  jobs: JobRepository;
  people: PeopleRepository;
  connections: ConnectionRepository;
  schemas: SchemaRepository;
  usage: UsageRepository;
}

/** The repositories over an open database; Notion tokens are encrypted with `cipher`. */
export function createRepositories(db: Database, cipher: TokenCipher): Repositories {
  return {
    jobs: createJobRepository(db),
    people: createPeopleRepository(db),
    connections: createConnectionRepository(db, cipher),
    schemas: createSchemaRepository(db),
    usage: createUsageRepository(db),
  };
}
