// CI's check before the tests: the PostgreSQL server the storage suite needs (TEST_DATABASE_URL, as in
// test/support/postgres.ts) answers, or one line says where it was looked for (password masked) and why not.
import pg from 'pg';

const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
try {
  await client.connect();
  await client.end();
} catch (error) {
  console.error(`PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
