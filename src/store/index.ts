export * from './store';
export { SqliteStore, openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store';
