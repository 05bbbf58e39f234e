import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * `npm run lint` holds the module arrows and the promise rules: these tests run the project's own
 * ESLint and knip configurations over a small probe project that breaks each rule once, and expect
 * each break to be reported. A rule that silently stopped applying would fail here.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

let probe: string;

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(probe, file)), { recursive: true });
  writeFileSync(path.join(probe, file), text);
}

async function tool(bin: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(path.join(ROOT, 'node_modules', '.bin', bin), args, { cwd: probe, timeout: 120_000 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeAll(() => {
  probe = mkdtempSync(path.join(tmpdir(), 'fw-lint-probe-'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(probe, 'node_modules'), 'dir');
  for (const f of ['eslint.config.mjs', 'knip.json']) cpSync(path.join(ROOT, f), path.join(probe, f));
  write('package.json', JSON.stringify({ name: 'probe', private: true, main: 'src/cli.ts' }));
  write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: { strict: true, module: 'commonjs', target: 'ES2022', types: [], skipLibCheck: true },
      include: ['src'],
    }),
  );
  write('src/chat/platform.ts', 'export interface Platform { name: string }\n');
  write(
    'src/store/bad-arrow.ts',
    "import type { Platform } from '../chat/platform';\nexport const names = (p: Platform): string => p.name;\n",
  );
  write('src/delivery/floating.ts', 'async function post(): Promise<void> {}\nexport function send(): void {\n  post();\n}\n');
  write('src/unused.ts', 'export const used = 1;\nexport const neverImported = 2;\n');
  write(
    'src/cli.ts',
    "import { names } from './store/bad-arrow';\nimport { send } from './delivery/floating';\nimport { used } from './unused';\nsend();\nconsole.log(names({ name: 'x' }), used);\n",
  );
});

afterAll(() => {
  if (probe) rmSync(probe, { recursive: true, force: true });
});

test('eslint refuses an import from chat/ into store/ and a floating promise', async () => {
  const { code, out } = await tool('eslint', ['src']);
  expect(code).not.toBe(0);
  expect(out).toMatch(/bad-arrow\.ts[\s\S]*no-restricted-imports/);
  expect(out).toMatch(/floating\.ts[\s\S]*no-floating-promises/);
}, 120_000);

test('knip reports an export that nothing imports', async () => {
  const { code, out } = await tool('knip', ['--no-progress']);
  expect(code).not.toBe(0);
  expect(out).toMatch(/neverImported/);
}, 120_000);
