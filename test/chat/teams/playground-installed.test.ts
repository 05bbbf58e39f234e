/**
 * The Playground is a devDependency: a production install has no copy, and
 * FirstWatch must notice that instead of failing to start.
 */
import { playgroundInstalled } from '../../../src/chat/teams/playground';

test('the Playground counts as installed when its package resolves', () => {
  expect(playgroundInstalled()).toBe(true);
});

test('a production install without the Playground is recognised', () => {
  const missing = (id: string): string => {
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
  };
  expect(playgroundInstalled(missing)).toBe(false);
});

test('the Playground is not a production dependency', async () => {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(`${__dirname}/../../../package.json`, 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  expect(pkg.dependencies['@microsoft/m365agentsplayground']).toBeUndefined();
  expect(pkg.devDependencies['@microsoft/m365agentsplayground']).toBeDefined();
});
