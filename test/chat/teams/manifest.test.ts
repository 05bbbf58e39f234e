import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { crc32 } from '../../../scripts/teams/crc32';
import { fillManifest, MANIFEST_DIR, packageTeams } from '../../../scripts/package-teams';
import { validate } from './json-schema';

const SCHEMA = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'MicrosoftTeams.schema.v1.29.json'), 'utf8')) as Record<string, unknown>;
const TEMPLATE = readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8');
const APP_ID = '6f0c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f';

type Manifest = {
  manifestVersion: string;
  id: string;
  icons: { color: string; outline: string };
  bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string; description?: string }[] }[] }[];
};

const manifest = fillManifest(TEMPLATE, APP_ID) as Manifest;

describe('the Teams app manifest', () => {
  test('validates against the official Teams manifest schema (v1.29)', () => {
    expect(validate(SCHEMA, manifest)).toEqual([]);
    expect(manifest.manifestVersion).toBe('1.29');
  });

  test('the validator does catch what the schema forbids', () => {
    const broken = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown> & Manifest;
    broken.id = 'not-a-guid';
    delete (broken as Partial<Manifest> & Record<string, unknown>).icons;
    broken.bots[0].scopes = ['everywhere'];
    broken.colour = '#fff';
    const errors = validate(SCHEMA, broken).map((e) => `${e.path} ${e.message}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/id does not match/),
        '/ is missing required property "icons"',
        expect.stringMatching(/^\/bots\/0\/scopes\/0 should be one of/),
        '/colour is not an allowed property',
      ]),
    );
  });

  test('one bot in team, personal and group chats, with its app id, listing every command with a description', () => {
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots).toHaveLength(1);
    const [bot] = manifest.bots;
    expect(bot.botId).toBe(APP_ID);
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    const commands = bot.commandLists.flatMap((l) => l.commands);
    expect(commands.map((c) => c.title).sort()).toEqual(['ack', 'alert', 'alerts', 'escalate', 'help', 'hunt', 'resolve']);
    for (const c of commands) expect(c.description?.length ?? 0).toBeGreaterThan(10);
  });

  test('the template holds a placeholder, never a real id, and a missing or bad id is refused', () => {
    expect(TEMPLATE).toContain('"id": "${TEAMS_APP_ID}"');
    expect(TEMPLATE).toContain('"botId": "${TEAMS_APP_ID}"');
    expect(() => fillManifest(TEMPLATE, undefined)).toThrow(/TEAMS_APP_ID is not set/);
    expect(() => fillManifest(TEMPLATE, 'firstwatch')).toThrow(/is not a GUID/);
  });
});

/** Reads a PNG's size and pixels (colour type 6, filter 0 rows, as the icon script writes). */
function readPng(file: string): { width: number; height: number; pixel: (x: number, y: number) => number[] } {
  const buf = readFileSync(file);
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let pos = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    expect(buf.readUInt32BE(pos + 8 + len)).toBe(crc32(buf.subarray(pos + 4, pos + 8 + len)));
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([body[8], body[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(body);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  return { width, height, pixel: (x, y) => [...raw.subarray(y * stride + 1 + x * 4, y * stride + 1 + x * 4 + 4)] };
}

describe('the icons', () => {
  test('color.png is 192×192 and opaque in the middle', () => {
    const png = readPng(join(MANIFEST_DIR, manifest.icons.color));
    expect([png.width, png.height]).toEqual([192, 192]);
    expect(png.pixel(96, 96)[3]).toBe(255);
  });

  test('outline.png is 32×32, white on a transparent background', () => {
    const png = readPng(join(MANIFEST_DIR, manifest.icons.outline));
    expect([png.width, png.height]).toEqual([32, 32]);
    expect(png.pixel(0, 0)[3]).toBe(0);
    let opaque = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = png.pixel(x, y);
        if (a > 0) {
          opaque++;
          expect([r, g, b]).toEqual([255, 255, 255]);
        }
      }
    }
    expect(opaque).toBeGreaterThan(50);
  });
});

/** The entries of a ZIP, read through its central directory, with CRCs checked. */
function readZip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = buf.readUInt16LE(end + 10);
  let pos = buf.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(pos)).toBe(0x02014b50);
    const method = buf.readUInt16LE(pos + 10);
    const crc = buf.readUInt32LE(pos + 16);
    const packedSize = buf.readUInt32LE(pos + 20);
    const nameLen = buf.readUInt16LE(pos + 28);
    const extraLen = buf.readUInt16LE(pos + 30);
    const commentLen = buf.readUInt16LE(pos + 32);
    const local = buf.readUInt32LE(pos + 42);
    const name = buf.toString('utf8', pos + 46, pos + 46 + nameLen);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const packed = buf.subarray(dataStart, dataStart + packedSize);
    const data = method === 8 ? inflateRawSync(packed) : packed;
    expect(crc32(data)).toBe(crc);
    out.set(name, data);
    pos += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe('scripts/package-teams.ts', () => {
  test('writes a zip with the filled manifest and both icons at its root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-teams-pkg-'));
    try {
      const out = packageTeams({ appId: APP_ID, outFile: join(dir, 'firstwatch-teams.zip') });
      const entries = readZip(readFileSync(out));
      expect([...entries.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
      const packaged = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Manifest;
      expect(packaged.id).toBe(APP_ID);
      expect(validate(SCHEMA, packaged)).toEqual([]);
      expect(entries.get('color.png')).toEqual(readFileSync(join(MANIFEST_DIR, 'color.png')));
      expect(entries.get('outline.png')).toEqual(readFileSync(join(MANIFEST_DIR, 'outline.png')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
