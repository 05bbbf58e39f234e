#!/usr/bin/env node
import path from 'node:path';
import { buildApp, UnknownWorkspaceError, type App } from './app/build';
import { startChat } from './app/chat';
import { runApp, stopOnSignals } from './app/run';
import { allowOnly, parseArgs, UsageError, type ParsedArgs } from './cli/args';
import { ROUTER_COMMANDS, runRouterCommand } from './cli/commands';
import { detectionsCommand } from './cli/detections';
import { ConfigError, loadConfig, type Config } from './config';
import { exitCodeOf, formatReport, runDoctorFromEnv } from './doctor';
import { createLogger, type Logger } from './logging/logger';
import { generateWorkspace, serveWorkspace } from './workspace';

const USAGE = `FirstWatch: Sentinel detections on a schedule, alerts as cards in Teams and Slack.

Usage:
  firstwatch start                        poll on schedule, post cards, serve /api/messages and /slack/events
  firstwatch poll --once [--dry-run]      run every detection once, deliver what it finds, exit
  firstwatch alerts [open|all]            list alerts
  firstwatch alert FW-3                   one alert with its audit trail
  firstwatch ack FW-3 --as you@contoso.com
  firstwatch escalate FW-3 [--note "…"] --as you@contoso.com
  firstwatch resolve FW-3 --classification tp|bp|fp [--note "…"] --as you@contoso.com
  firstwatch reopen FW-3 [--note "…"] --as you@contoso.com
  firstwatch hunt alice@contoso.com [--lookback 7d] [--workspace contoso]
  firstwatch doctor                       check the configuration against the services it names
  firstwatch detections                   each rule file: loaded or rejected (and why), schedule, test cases
  firstwatch detections test [FILE…] [--data DIR]
                                          run the rules' own test cases; --data replays Log Analytics exports (CSV/JSON)
  firstwatch workspace generate [--dir DIR] [--seed N] [--days N]
  firstwatch workspace serve [--dir DIR] [--port N] [--host HOST]

Configuration comes from the environment and ./.env (see .env.example).`;

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [command = 'start'] = args.words;
  if (command === 'help' || args.switches.has('help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (command === 'doctor') {
    allowOnly(args, []);
    return doctor();
  }
  const config = loadConfig();
  const logger = createLogger(config.logging.level, process.stderr);
  switch (command) {
    case 'start':
      allowOnly(args, []);
      return start(config, logger);
    case 'poll':
      allowOnly(args, ['once', 'dry-run']);
      if (!args.switches.has('once')) throw new UsageError('poll runs one cycle: say --once (the schedule is `firstwatch start`)');
      return pollOnce(config, logger, args.switches.has('dry-run'));
    case 'workspace':
      return workspaceCommand(config, args);
    case 'detections':
      return detectionsCommand(config, args, process.stdout);
    default:
      if (ROUTER_COMMANDS[command] === undefined) throw new UsageError(`unknown command '${command}'`);
      allowOnly(args, ['as', 'lookback', 'note', 'classification', ...(command === 'hunt' ? ['workspace'] : [])]);
      return withApp(config, logger, (app) => runRouterCommand(scopeHunt(app, args.flags.get('workspace')), args, process.stdout));
  }
}

async function start(config: Config, logger: Logger): Promise<number> {
  const app = await buildApp(config, { logger });
  const chat = await startChat(app);
  const running = await runApp(app, { ...chat.http, afterListen: (url) => chat.afterListen(url) });
  stopOnSignals(async () => {
    await running.stop();
    await chat.stop();
    await app.close();
  }, logger);
  for (const line of chat.banner) logger.info(line);
  await running.caughtUp;
  return -1; // keep running until a signal
}

async function pollOnce(config: Config, logger: Logger, dryRun: boolean): Promise<number> {
  return withApp(config, logger, async (app) => {
    if (!dryRun && !(await app.leadership.tryAcquire())) {
      process.stderr.write(`firstwatch: not polling: ${app.leadership.describe()}\n`);
      return 1;
    }
    const chat = dryRun ? undefined : await startChat(app, { interactive: false });
    try {
      let failed = 0;
      for (const detection of app.detections) {
        for (const outcome of await app.poller.runDetection(detection, { dryRun })) {
          if (!outcome.ok) failed++;
          if (dryRun) {
            const count = outcome.candidates?.length ?? 0;
            process.stdout.write(`${detection.slug} on ${outcome.workspace}: ${count} hit(s) (dry run: nothing stored or posted)\n`);
            for (const c of outcome.candidates ?? []) process.stdout.write(`  ${c.eventTime.toISOString()}  ${c.title}\n`);
          }
        }
      }
      if (!dryRun) await app.dispatcher.drainUntilIdle();
      return failed > 0 ? 1 : 0;
    } finally {
      await chat?.stop();
    }
  });
}

async function workspaceCommand(config: Config, args: ParsedArgs): Promise<number> {
  const sub = args.words[1];
  const dir = path.resolve(args.flags.get('dir') ?? config.workspace.localDir);
  if (sub === 'generate') {
    allowOnly(args, ['dir', 'seed', 'days']);
    const seed = intFlag(args, 'seed', 1);
    const days = intFlag(args, 'days', 7);
    const generated = await generateWorkspace({ dir, seed, days });
    const rows = Object.entries(generated.manifest.tables).map(([t, n]) => `${t}: ${n}`).join(', ');
    process.stdout.write(`Generated the sample workspace in ${dir} (${rows}; ${generated.planted.length} planted cases)\n`);
    return 0;
  }
  if (sub === 'serve') {
    allowOnly(args, ['dir', 'port', 'host']);
    const server = await serveWorkspace({
      dir,
      port: intFlag(args, 'port', config.workspace.localPort),
      host: args.flags.get('host') ?? '127.0.0.1',
    });
    process.stdout.write(`Serving ${dir} at ${server.url} (workspace id ${server.workspaceIds.join(', ')})\n`);
    stopOnSignals(() => server.close(), createLogger('silent'));
    return -1;
  }
  throw new UsageError(`workspace needs 'generate' or 'serve'${sub === undefined ? '' : `, not '${sub}'`}`);
}

/** One line per check; configuration errors are lines too, so every problem shows at once. */
async function doctor(): Promise<number> {
  const results = await runDoctorFromEnv(process.env);
  process.stdout.write(formatReport(results) + '\n');
  return exitCodeOf(results);
}

/** `hunt … --workspace NAME` asks that workspace only; without it every workspace is asked. */
function scopeHunt(app: App, workspace: string | undefined): App {
  if (workspace === undefined) return app;
  try {
    return { ...app, hunt: app.huntIn(workspace) };
  } catch (err) {
    if (err instanceof UnknownWorkspaceError) throw new UsageError(`--workspace: ${err.message}`);
    throw err;
  }
}

async function withApp(config: Config, logger: Logger, work: (app: App) => Promise<number>): Promise<number> {
  const app = await buildApp(config, { logger });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

function intFlag(args: ParsedArgs, name: string, fallback: number): number {
  const raw = args.flags.get(name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new UsageError(`--${name} takes a whole number, not '${raw}'`);
  return Number(raw);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`firstwatch: ${err.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (err instanceof ConfigError) {
      process.stderr.write(`firstwatch: configuration: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`firstwatch: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
