/**
 * The entry point (`npm start`, the container's command): turns on Node's compile cache, then
 * loads and runs the service (`src/service.ts`, the composition root). The cache has to be on
 * before the service's modules are read, which a static import would do first; with it, a
 * restart reuses the code compiled by the start before (issue 18).
 */
import { enableCompileCache, flushCompileCache } from "./compile-cache.ts";

enableCompileCache();
const { runService } = await import("./service.ts");
await runService();
flushCompileCache();
