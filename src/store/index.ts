export * from './store';
export { SqliteStore, openSqliteStore } from './sqlite/sqlite-store';
export { openPostgresStore } from './postgres/postgres-store';
