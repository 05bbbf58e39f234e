import type * as Hosting from '@microsoft/agents-hosting';

let loaded: typeof Hosting | undefined;

/**
 * The Agents SDK, loaded on first use. Its token check pulls in `jose`, an
 * ESM-only package that Node ≥ 20.19 loads through require(esm) but jest's
 * module loader does not; loading it lazily keeps code that merely imports
 * the Teams platform (the CLI, other modules' tests) clear of it.
 */
export function hosting(): typeof Hosting {
  loaded ??= require('@microsoft/agents-hosting') as typeof Hosting;
  return loaded;
}
