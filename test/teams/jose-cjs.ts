/**
 * jwks-rsa (the Agents SDK's token check) requires `jose`, which is ESM only.
 * Node ≥ 20.19 loads it (require(esm)); jest's module loader on Node 20 does
 * not. Import this first in a test that loads the SDK: it stands in for the
 * two calls jwks-rsa makes, with node:crypto doing the same work.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

jest.mock('jose', () => ({
  importJWK: async (jwk: JsonWebKey): Promise<KeyObject> => createPublicKey({ key: jwk, format: 'jwk' }),
  exportSPKI: async (key: KeyObject): Promise<string> => key.export({ format: 'pem', type: 'spki' }).toString(),
}));
