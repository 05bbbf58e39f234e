export * from './store';
export { SqliteStore, openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store';
export { PostgresStore, openPostgresStore, type PostgresStoreOptions } from './postgres/postgres-store';
