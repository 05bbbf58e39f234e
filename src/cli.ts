#!/usr/bin/env node
import path from 'node:path';
import type { App } from './app/build';
import { parseCommandLine, UsageError, type Options } from './cli/args';
import { actingAs, isRouterCommand, routerCommand } from './cli/commands';
import { commandHelp, PROGRAM, toolHelp, usageLines } from './cli/usage';
import type { Config } from './config';
import { ConfigError } from './config/errors';
import type { Logger } from './logging/logger';

// Help and usage errors load only the files above; each command imports what it runs when it runs (start-up time).

async function main(argv: string[]): Promise<number> {
  const invocation = parseCommandLine(argv);
  if (invocation.kind === 'help') {
    process.stdout.write(`${invocation.command === undefined ? toolHelp() : commandHelp(invocation.command)}\n`);
    return 0;
  }
  const { command, positionals, options } = invocation;
  if (command === 'doctor') return doctor();
  if (command === 'poll' && !options.flag('once'))
    throw new UsageError(`poll runs one cycle: say --once (the schedule is '${PROGRAM} start')`, 'poll');
  // Usage is settled before the configuration is read, so a mistyped command costs no start-up.
  const routed = isRouterCommand(command)
    ? { request: routerCommand(command, positionals, options), as: actingAs(command, options), workspace: options.string('workspace') }
    : undefined;
  const { loadConfig } = await import('./config');
  const config = loadConfig();
  const { createLogger } = await import('./logging/logger');
  const logger = createLogger(config.logging.level, process.stderr);
  if (routed !== undefined) {
    const { runRouterCommand } = await import('./cli/run-router-command');
    return withApp(config, logger, {}, async (app) =>
      runRouterCommand(await scopeHunt(app, routed.workspace), routed.request, routed.as, process.stdout),
    );
  }
  switch (command) {
    case 'start':
      return start(config, logger);
    case 'poll':
      return pollOnce(config, logger, options.flag('dry-run'));
    case 'workspace generate':
      return generate(config, options);
    case 'workspace serve':
      return serve(config, options);
    case 'detections list':
    case 'detections test':
    case 'detections export': {
      const { detectionsCommand } = await import('./cli/detections');
      return detectionsCommand(config, invocation, process.stdout);
    }
    case 'workspace import': {
      const { workspaceImport } = await import('./cli/workspace-import');
      return workspaceImport(positionals, path.resolve(options.string('dir') ?? config.workspace.localDir), process.stdout);
    }
    default:
      // help and doctor are answered above; the router's commands by runRouterCommand.
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** The banner counts open alerts up to this many. */
const OPEN_SHOWN = 1000;

async function start(config: Config, logger: Logger): Promise<number> {
  const { assertPortFree } = await import('./app/port-in-use');
  // A second instance says so at once, before it builds anything.
  await assertPortFree(config.server.host, config.server.port);
  const [{ buildApp }, { startChat }, { runApp, stopOnSignals }, { startBanner }] = await Promise.all([
    import('./app/build'),
    import('./app/chat'),
    import('./app/run'),
    import('./cli/banner'),
  ]);
  // What is running so far, stopped last-started first: a signal during start-up stops that much (and exits).
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  stopOnSignals(stopAll, logger);
  try {
    const app = await buildApp(config, { logger });
    stops.push(() => app.close());
    const chat = await startChat(app);
    stops.push(() => chat.stop());
    const running = await runApp(app, {
      ...chat.http,
      afterListen: async (url) => {
        await chat.afterListen(url);
        // Before the dispatcher starts, so the banner comes before the first card.
        const open = (await app.store.listAlerts({ status: 'open', limit: OPEN_SHOWN })).length;
        process.stdout.write(startBanner({ config, chat: chat.banner, url, open }));
      },
    });
    stops.push(() => running.stop());
    await running.caughtUp;
    return -1; // keep running until a signal
  } catch (err) {
    // Nothing may keep the process alive after a failed start (the workspace server, the Playground, the store).
    await stopAll().catch(() => undefined);
    throw err;
  }
}

async function pollOnce(config: Config, logger: Logger, dryRun: boolean): Promise<number> {
  const [{ startChat }, { pollReportLines }] = await Promise.all([import('./app/chat'), import('./cli/poll-report')]);
  return withApp(config, logger, { readOnlyWorkspace: dryRun }, async (app) => {
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
          for (const line of pollReportLines(detection.slug, outcome, dryRun)) process.stdout.write(line + '\n');
        }
      }
      if (!dryRun) await app.dispatcher.drainUntilIdle();
      return failed > 0 ? 1 : 0;
    } finally {
      await chat?.stop();
    }
  });
}

async function generate(config: Config, options: Options): Promise<number> {
  const dir = path.resolve(options.string('dir') ?? config.workspace.localDir);
  const seed = intOption(options, 'seed', 1, 'workspace generate');
  const days = intOption(options, 'days', 7, 'workspace generate');
  const { generateWorkspace } = await import('./workspace');
  const generated = await generateWorkspace({ dir, seed, days });
  const rows = Object.entries(generated.manifest.tables)
    .map(([t, n]) => `${t}: ${n}`)
    .join(', ');
  process.stdout.write(`Generated the sample workspace in ${dir} (${rows}; ${generated.planted.length} planted cases)\n`);
  return 0;
}

async function serve(config: Config, options: Options): Promise<number> {
  const dir = path.resolve(options.string('dir') ?? config.workspace.localDir);
  const port = intOption(options, 'port', config.workspace.localPort, 'workspace serve');
  const [{ serveWorkspace }, { stopOnSignals }, { createLogger }] = await Promise.all([
    import('./workspace'),
    import('./app/run'),
    import('./logging/logger'),
  ]);
  const server = await serveWorkspace({ dir, port, host: options.string('host') ?? '127.0.0.1' });
  process.stdout.write(`Serving ${dir} at ${server.url} (workspace id ${server.workspaceIds.join(', ')})\n`);
  stopOnSignals(() => server.close(), createLogger('silent'));
  return -1;
}

/** One line per check; configuration errors are lines too, so every problem shows at once. */
async function doctor(): Promise<number> {
  const { exitCodeOf, formatReport, runDoctorFromEnv } = await import('./doctor');
  const results = await runDoctorFromEnv(process.env);
  process.stdout.write(formatReport(results) + '\n');
  return exitCodeOf(results);
}

/** `hunt … --workspace NAME` asks that workspace only; without it every workspace is asked. */
async function scopeHunt(app: App, workspace: string | undefined): Promise<App> {
  if (workspace === undefined) return app;
  const { UnknownWorkspaceError } = await import('./app/build');
  try {
    return { ...app, hunt: app.huntIn(workspace) };
  } catch (err) {
    if (err instanceof UnknownWorkspaceError) throw new UsageError(`--workspace: ${err.message}`, 'hunt');
    throw err;
  }
}

async function withApp(
  config: Config,
  logger: Logger,
  options: { readOnlyWorkspace?: boolean },
  work: (app: App) => Promise<number>,
): Promise<number> {
  const { buildApp } = await import('./app/build');
  const app = await buildApp(config, { logger, ...options });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

function intOption(options: Options, name: string, fallback: number, command: 'workspace generate' | 'workspace serve'): number {
  const raw = options.string(name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new UsageError(`--${name} takes a whole number, not '${raw}'`, command);
  return Number(raw);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      const hint =
        err.command === undefined
          ? `Run '${PROGRAM} --help' for the commands.`
          : `Usage: ${usageLines(err.command).join('\n       ')}\n(${PROGRAM} ${err.command} --help for details)`;
      process.stderr.write(`firstwatch: ${err.message}\n${hint}\n`);
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
