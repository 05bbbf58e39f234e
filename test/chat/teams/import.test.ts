/**
 * Importing the Teams platform must not load the Agents SDK (whose token
 * check needs ESM-only `jose`, which jest cannot require): the CLI and other
 * modules' tests import it without ever starting Teams. No jose shim here on purpose.
 */
import * as teams from '../../../src/chat/teams';

test('the Teams module imports without loading the Agents SDK', () => {
  expect(typeof teams.TeamsPlatform).toBe('function');
  expect(typeof teams.startPlayground).toBe('function');
  expect(teams.commandText('<at>FirstWatch</at> help')).toBe('help');
});
