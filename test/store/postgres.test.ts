import { openPostgresStore } from '../../src/store/postgres/postgres-store';
import { describeStoreContracts } from './contract';
import { dropSchema, freshSchema, PG_URL, requirePostgres } from './postgres-support';

beforeAll(requirePostgres);

describeStoreContracts('PostgreSQL', async (clock) => {
  const schema = freshSchema('contract');
  const store = await openPostgresStore(PG_URL, { clock: clock.now, schema, poolSize: 8 });
  return { store, cleanup: () => dropSchema(schema) };
});
