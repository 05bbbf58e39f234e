/**
 * Which Playground conversations an open page shows, read from the
 * Playground's log file as it grows (here written by the test, in the
 * Playground's own words).
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PlaygroundPages } from '../../../src/chat/teams/playground-pages';

const URL = 'http://localhost:56150/';
let dir: string;
let log: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fw-pages-'));
  log = path.join(dir, 'm365agentsplayground.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('no log yet: no page, and a post would be seen by nobody', () => {
  const pages = new PlaygroundPages(log);
  expect(pages.connected()).toBe(0);
  expect(pages.notShown('19:general', URL)).toBe(`no page of the Agents Playground is open; open ${URL} to see it`);
});

test('a page must be connected and have opened the conversation', () => {
  writeFileSync(log, 'Listening on 56150\n');
  const pages = new PlaygroundPages(log);
  appendFileSync(log, 'started web socket client\nstarted web socket client\n');
  expect(pages.connected()).toBe(2);
  expect(pages.notShown('19:general', URL)).toMatch(/has opened this channel yet/);
  pages.opens('19:general');
  expect(pages.notShown('19:general', URL)).toBeUndefined();
  expect(pages.notShown('19:announcements', URL)).toMatch(/has opened this channel yet/);
  // The page closed (both its sockets): nobody sees the channel until a page is back.
  appendFileSync(log, 'stopping web socket client\nstopping web socket client\n');
  expect(pages.notShown('19:general', URL)).toMatch(/no page of the Agents Playground is open/);
  appendFileSync(log, 'started web socket client\n');
  expect(pages.notShown('19:general', URL)).toBeUndefined();
});

test('a marker written in two pieces is counted once, and only new text is read', () => {
  const pages = new PlaygroundPages(log);
  writeFileSync(log, 'x'.repeat(70_000) + 'started web sock');
  expect(pages.connected()).toBe(0);
  appendFileSync(log, 'et client\nstopping web');
  expect(pages.connected()).toBe(1);
  appendFileSync(log, ' socket client\nstarted web socket client\n');
  expect(pages.connected()).toBe(1);
  expect(pages.connected()).toBe(1);
});
