import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const envExample = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('README', () => {
  it('documents every variable of .env.example in its configuration table', () => {
    const variables = [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string);
    expect(variables.length).toBeGreaterThan(20);
    const missing = variables.filter((v) => !readme.includes(`| \`${v}\` |`));
    expect(missing).toEqual([]);
  });

  it('has a row in its layout table for every folder of src/, and no row for a folder that is gone', () => {
    const folders = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `src/${e.name}/`);
    const rows = [...readme.matchAll(/^\| (`src\/[^|]+) \|/gm)].flatMap((m) =>
      [...(m[1] as string).matchAll(/`(src\/[a-z-]+\/)`/g)].map((n) => n[1] as string),
    );
    expect(rows.length).toBeGreaterThanOrEqual(folders.length);
    expect(folders.filter((f) => !rows.includes(f))).toEqual([]);
    expect(rows.filter((r) => !folders.includes(r))).toEqual([]);
  });

  it('shows the two quick-start commands, and every npm script it names exists', () => {
    expect(readme).toMatch(/npm ci && npm start/);
    expect(readme).toMatch(/npm ci && npm test/);
    const named = [...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1] as string);
    for (const script of named) expect(Object.keys(pkg.scripts)).toContain(script);
  });
});
