import { defineConfig } from "prisma/config";

// Prisma CLI settings. DATABASE_URL is only needed for `prisma migrate deploy` / `status`;
// the app applies the same migrations itself on boot (src/db/migrate.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/reelnotes" },
});
