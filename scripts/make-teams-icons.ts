/**
 * Draws the Teams app icons into manifests/teams/ (run again only to change them):
 *   npx tsx scripts/make-teams-icons.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { colorIcon, outlineIcon } from './teams/icons';
import { encodePng } from './teams/png';

const dir = join(__dirname, '..', 'manifests', 'teams');
writeFileSync(join(dir, 'color.png'), encodePng(colorIcon()));
writeFileSync(join(dir, 'outline.png'), encodePng(outlineIcon()));
console.log(`Wrote ${join(dir, 'color.png')} (192×192) and ${join(dir, 'outline.png')} (32×32)`);
