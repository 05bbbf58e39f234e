// `npm start` runs this first: it rebuilds dist/ only when a source changed since the last build.
// The sources' paths, sizes and modification times are kept in dist/.build-stamp.json; any
// difference (a file edited, added, removed or restored with an older time) rebuilds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp.json');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** path → "size:mtimeMs" for every file under the inputs. */
function snapshot() {
  const files = {};
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
    } else if (stat.isFile()) {
      files[relative(ROOT, path)] = `${stat.size}:${stat.mtimeMs}`;
    }
  };
  for (const input of INPUTS) visit(join(ROOT, input));
  return files;
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return undefined;
  }
}

function same(a, b) {
  if (a === undefined || b === undefined) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

// Taken before building: a file saved during the build makes the next start build again.
const now = snapshot();
if (existsSync(join(ROOT, 'dist', 'cli.js')) && same(readStamp()?.files, now)) {
  process.exit(0);
}
process.stderr.write('firstwatch: sources changed since the last build; building (npm run build)…\n');
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);
writeFileSync(STAMP, JSON.stringify({ files: now }) + '\n');
