#!/usr/bin/env node
import path from 'node:path';
import { buildApp, UnknownWorkspaceError, type App } from './app/build';
import { startChat } from './app/chat';
import { runApp, stopOnSignals } from './app/run';
import { parseCommandLine, UsageError, type Options } from './cli/args';
import { actingAs, isRouterCommand, routerCommand, runRouterCommand } from './cli/commands';
import { pollReportLines } from './cli/poll-report';
import { detectionsCommand } from './cli/detections';
import { commandHelp, PROGRAM, toolHelp, usageLines } from './cli/usage';
import { workspaceImport } from './cli/workspace-import';
import { ConfigError, loadConfig, type Config } from './config';
import { exitCodeOf, formatReport, runDoctorFromEnv } from './doctor';
import { createLogger, type Logger } from './logging/logger';
import { generateWorkspace, serveWorkspace } from './workspace';

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
  const config = loadConfig();
  const logger = createLogger(config.logging.level, process.stderr);
  if (routed !== undefined) {
    return withApp(config, logger, {}, (app) =>
      runRouterCommand(scopeHunt(app, routed.workspace), routed.request, routed.as, process.stdout),
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
    case 'detections export':
      return detectionsCommand(config, invocation, process.stdout);
    case 'workspace import':
      return workspaceImport(positionals, path.resolve(options.string('dir') ?? config.workspace.localDir), process.stdout);
    default:
      // help and doctor are answered above; the router's commands by runRouterCommand.
      throw new UsageError(`unknown command '${command}'`);
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
  const generated = await generateWorkspace({ dir, seed, days });
  const rows = Object.entries(generated.manifest.tables)
    .map(([t, n]) => `${t}: ${n}`)
    .join(', ');
  process.stdout.write(`Generated the sample workspace in ${dir} (${rows}; ${generated.planted.length} planted cases)\n`);
  return 0;
}

async function serve(config: Config, options: Options): Promise<number> {
  const dir = path.resolve(options.string('dir') ?? config.workspace.localDir);
  const server = await serveWorkspace({
    dir,
    port: intOption(options, 'port', config.workspace.localPort, 'workspace serve'),
    host: options.string('host') ?? '127.0.0.1',
  });
  process.stdout.write(`Serving ${dir} at ${server.url} (workspace id ${server.workspaceIds.join(', ')})\n`);
  stopOnSignals(() => server.close(), createLogger('silent'));
  return -1;
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
