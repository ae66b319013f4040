// PostGraphile 5 (Amber preset, simplified inflection) over the benchmark's database, loopback only.
// DATABASE_URL: the database; PG_SCHEMAS: comma-separated schemas to expose (default "public"); PORT.
// Modelled on ../../../shared/tools/postgraphile: the same set-up the published figures used.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";

export default {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: (process.env.PG_SCHEMAS ?? "public").split(","),
    }),
  ],
  grafserv: { host: "127.0.0.1", port: Number(process.env.PORT ?? 5056), websockets: false, graphiql: false },
  grafast: { explain: false },
};
