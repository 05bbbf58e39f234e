/**
 * Builds the Teams app package dist/firstwatch-teams.zip: manifest.json with
 * the bot's app id filled in, and both icons. Upload it in Teams (Apps →
 * Manage your apps → Upload an app) or the Developer Portal.
 *
 *   TEAMS_APP_ID=<bot registration client id> npm run package:teams
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeZip } from './teams/zip';

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const PLACEHOLDER = '${TEAMS_APP_ID}';

export const MANIFEST_DIR = join(__dirname, '..', 'manifests', 'teams');
export const DEFAULT_OUT = join(__dirname, '..', 'dist', 'firstwatch-teams.zip');

export interface PackageOptions {
  appId: string | undefined;
  outFile?: string;
  manifestDir?: string;
}

/** The manifest template with every ${TEAMS_APP_ID} replaced; throws on a missing or malformed id. */
export function fillManifest(template: string, appId: string | undefined): unknown {
  if (appId === undefined || appId.trim() === '') {
    throw new Error('TEAMS_APP_ID is not set: it is the client id (a GUID) of the Azure Bot registration the package installs.');
  }
  if (!GUID.test(appId.trim())) throw new Error(`TEAMS_APP_ID "${appId}" is not a GUID like 6f0c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f.`);
  if (!template.includes(PLACEHOLDER)) throw new Error(`the manifest template has no ${PLACEHOLDER} placeholder`);
  return JSON.parse(template.split(PLACEHOLDER).join(appId.trim().toLowerCase()));
}

/** Writes the package; returns its path. */
export function packageTeams(options: PackageOptions): string {
  const dir = options.manifestDir ?? MANIFEST_DIR;
  const manifest = fillManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), options.appId);
  const out = resolve(options.outFile ?? DEFAULT_OUT);
  const zip = writeZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') },
    { name: 'color.png', data: readFileSync(join(dir, 'color.png')) },
    { name: 'outline.png', data: readFileSync(join(dir, 'outline.png')) },
  ]);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  return out;
}

if (require.main === module) {
  try {
    const out = packageTeams({ appId: process.env.TEAMS_APP_ID, outFile: process.argv[2] });
    console.log(`Wrote ${out}`);
  } catch (err) {
    console.error(`package:teams: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
