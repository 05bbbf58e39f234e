import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from '../../logging/logger';
import { TIMED_OUT, within } from '../../time/timeout';

export interface PlaygroundOptions {
  /** The bot's endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** The Playground's port; 0 picks a free one (default 56150, its own default). */
  port?: number;
  /** Working directory; its devTools/ receives the Playground's log. Default: a new temp dir. */
  cwd?: string;
  logger?: Logger;
  /** How long to wait for it to serve (default 30 s). */
  startTimeoutMs?: number;
  /** Path of the CLI's cli.js; default: resolved from node_modules. */
  cliPath?: string;
  /**
   * "Install" the bot in every mock team (General, and through it every
   * channel) and in the personal chat right away, so alerts can be posted
   * before anyone opens the UI (default true). The bot must already be listening.
   */
  installBot?: boolean;
}

export interface PlaygroundHandle {
  /** Where to open it: http://localhost:<port>/ */
  url: string;
  port: number;
  pid: number;
  cwd: string;
  /** Its log file (devTools/m365agentsplayground.log under cwd). */
  logFile: string;
  /** The mocked connector the Playground gives the bot as serviceUrl. */
  serviceUrl: string;
  /**
   * WebSocket clients that have connected so far (a page opens two: messages
   * and log). The Playground keeps what it receives before the first page
   * connects for that page only; a later page (a reload, a second tab) starts empty.
   */
  clientConnections(): number;
  stop(): Promise<void>;
}

/** The installed CLI (pinned in package.json). */
export function playgroundCliPath(): string {
  return join(dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
}

/**
 * Whether the Playground is installed. It is a devDependency: a production
 * install (`npm ci --omit=dev`, the container image) does not have it.
 */
export function playgroundInstalled(resolve: (id: string) => string = require.resolve): boolean {
  try {
    resolve('@microsoft/m365agentsplayground/package.json');
    return true;
  } catch {
    return false;
  }
}

function validEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`Agents Playground: botEndpoint "${endpoint}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`Agents Playground: botEndpoint "${endpoint}" must be http(s)`);
  return url;
}

/**
 * Loaded into the Playground's process before its CLI: a server asked to
 * listen on every interface (no host, 0.0.0.0 or ::) listens on loopback only,
 * so the anonymous Playground (and the unauthenticated bot behind it) cannot
 * be reached from the network.
 */
const LOOPBACK_ONLY = `data:text/javascript,${encodeURIComponent(`
import net from 'node:net';
const wildcard = (h) => h === undefined || h === null || h === '' || h === '0.0.0.0' || h === '::';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    if (first.path === undefined && wildcard(first.host)) args[0] = { ...first, host: '127.0.0.1' };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\\d+$/.test(first)) || first === undefined) {
    if (typeof args[1] === 'string' && !wildcard(args[1])) return listen.apply(this, args);
    const rest = typeof args[1] === 'string' || args[1] === null || args[1] === undefined && args.length > 1 ? args.slice(2) : args.slice(1);
    return listen.apply(this, [first ?? 0, '127.0.0.1', ...rest]);
  }
  return listen.apply(this, args);
};
`)}`;

/**
 * Also loaded before its CLI: the Playground ends when the process that
 * started it ends, even by SIGKILL (it holds the other end of the Playground's
 * stdin), and then removes the working folder FirstWatch made for it.
 */
const FOLLOW_PARENT = `data:text/javascript,${encodeURIComponent(`
import { rmSync } from 'node:fs';
const dir = process.env.FIRSTWATCH_PLAYGROUND_TEMP_DIR;
if (dir) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
`)}`;

async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  if ((await within(exited, graceMs)) === TIMED_OUT && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}

/**
 * Starts the Microsoft 365 Agents Playground (a local Teams client) against
 * the bot, without opening a browser and without telemetry, and waits until
 * it serves. Its CLI has no host option and would listen on every interface;
 * LOOPBACK_ONLY makes every server it opens listen on 127.0.0.1 instead. Teams' "channels" General and
 * Announcements of "My Team" are modelled: adding the bot there (opening the
 * channel in the UI) sends installationUpdate, and new threads and updates
 * work as in Teams.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<PlaygroundHandle> {
  validEndpoint(options.botEndpoint);
  const port = options.port ?? 56150;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Agents Playground: port ${port} is not a TCP port`);
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'firstwatch-playground-'));
  // A folder made here is removed when the Playground stops or this process exits; a given one is the caller's.
  const removeCwd = (): void => {
    if (options.cwd === undefined) rmSync(cwd, { recursive: true, force: true });
  };
  const cli = options.cliPath ?? playgroundCliPath();
  const child = spawn(
    process.execPath,
    ['--import', LOOPBACK_ONLY, '--import', FOLLOW_PARENT, cli, '-e', options.botEndpoint, '-p', String(port), '--disable-telemetry'],
    {
      cwd,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        BOT_ENDPOINT: options.botEndpoint,
        ...(options.cwd === undefined ? { FIRSTWATCH_PLAYGROUND_TEMP_DIR: cwd } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  // The Playground must not outlive us (a crash, a test run cut short).
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    removeCwd();
  };
  process.once('exit', killOnExit);
  let output = '';
  const remember = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  try {
    const actualPort = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Agents Playground did not start within ${timeoutMs} ms. Output:\n${output.slice(-2000)}`)),
        timeoutMs,
      );
      const onData = (): void => {
        const m = /Listening on (\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve(Number(m[1]));
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Agents Playground exited (${code ?? signal}) before serving. Output:\n${output.slice(-2000)}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    await waitForPing(actualPort, timeoutMs);
    const url = `http://localhost:${actualPort}/`;
    if (options.installBot !== false) await installEverywhere(actualPort, options.logger);
    options.logger?.info({ url, pid: child.pid, cwd }, 'Agents Playground started');
    return {
      url,
      port: actualPort,
      pid: child.pid ?? -1,
      cwd,
      logFile: join(cwd, 'devTools', 'm365agentsplayground.log'),
      serviceUrl: `http://localhost:${actualPort}/_connector`,
      clientConnections: () => countConnections(join(cwd, 'devTools', 'm365agentsplayground.log')),
      stop: async () => {
        await stopChild(child);
        removeCwd();
        process.off('exit', killOnExit);
      },
    };
  } catch (err) {
    await stopChild(child);
    removeCwd();
    process.off('exit', killOnExit);
    throw err;
  }
}

/** The Playground logs each WebSocket client it accepts to its log file (not to a pipe). */
function countConnections(logFile: string): number {
  try {
    return readFileSync(logFile, 'utf8').split('started web socket client').length - 1;
  } catch {
    return 0;
  }
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * POST /_debug/conversation/{id}/installation makes the Playground send the
 * bot installationUpdate + conversationUpdate for that conversation, as Teams
 * does when the app is added. Best effort: a failure is logged, and opening
 * the conversation in the UI installs the bot there anyway.
 */
async function installEverywhere(port: number, logger: Logger | undefined): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  try {
    // Answers once the bot endpoint responds (the Playground waits up to 15 s for it).
    const res = await fetch(`${base}/_internal/v1/config`, { signal: AbortSignal.timeout(20_000) });
    const config = record(record(await res.json()).config);
    const ids: string[] = [];
    for (const team of Array.isArray(config.teams) ? config.teams : []) {
      const id = record(team).id;
      if (typeof id === 'string') ids.push(id);
    }
    const personal = record(config.personalChat).id;
    if (typeof personal === 'string') ids.push(personal);
    for (const id of ids) {
      const r = await fetch(`${base}/_debug/conversation/${encodeURIComponent(id)}/installation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(10_000),
      });
      if (!r.ok) logger?.warn({ conversation: id, status: r.status }, 'Agents Playground: could not install the bot there');
    }
  } catch (err) {
    logger?.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'Agents Playground: could not install the bot ahead of time; open a channel in its UI to install it',
    );
  }
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/_debug/ping`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Agents Playground on port ${port} did not answer /_debug/ping (${last})`);
}
