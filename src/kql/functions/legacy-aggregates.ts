/** Deprecated aggregate spellings published rules still use, and the function each one is. */
export const LEGACY_AGGREGATES: Readonly<Record<string, string>> = {
  makelist: 'make_list',
  makeset: 'make_set',
  makelist_if: 'make_list_if',
  makeset_if: 'make_set_if',
};
