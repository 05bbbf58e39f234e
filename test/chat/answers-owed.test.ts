import type { RequestHandler } from 'express';
import { request } from 'node:http';
import { AnswersOwed } from '../../src/chat/answers-owed';
import { TaskTracker } from '../../src/chat/task-tracker';
import { TurnGate } from '../../src/chat/turn-gate';
import { createLogger } from '../../src/logging/logger';
import { startHttpServer } from '../../src/server';

const QUIET_MS = 20;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Whether `p` has settled after the loop has had `ms` to run. */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await sleep(ms);
  return done;
}

describe('AnswersOwed', () => {
  it('is not busy before any request, and settled() resolves at once', async () => {
    const answers = new AnswersOwed(QUIET_MS);
    expect(answers.busy()).toBe(false);
    expect(await settledWithin(answers.settled(10_000), 0)).toBe(true);
  });

  it('is busy while a request is owed and for the quiet time after the last one arrived, then settles', async () => {
    const answers = new AnswersOwed(QUIET_MS);
    const answered = answers.begin();
    const settled = answers.settled(10_000);
    expect(await settledWithin(settled, QUIET_MS * 3)).toBe(false);
    expect(answers.owed).toBe(1);
    answered();
    answered(); // a second call (finish, then close) changes nothing
    expect(answers.owed).toBe(0);
    // Answered long after it arrived: the quiet time is already over.
    expect(await settledWithin(settled, 5)).toBe(true);
    expect(answers.busy()).toBe(false);
  });

  it('counts a request that arrived and was answered at once as busy for the quiet time: more of its burst may be on the way', async () => {
    const answers = new AnswersOwed(QUIET_MS);
    answers.begin()();
    expect(answers.owed).toBe(0);
    expect(answers.busy()).toBe(true);
    const started = performance.now();
    await answers.settled(10_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(QUIET_MS - 2);
    expect(answers.busy()).toBe(false);
  });

  it('gives up waiting after maxWaitMs when requests keep being owed', async () => {
    const answers = new AnswersOwed(QUIET_MS);
    answers.begin();
    expect(await settledWithin(answers.settled(30), 80)).toBe(true);
    expect(answers.owed).toBe(1);
  });
});

describe('slow halves let the answers owed go first', () => {
  it('a TurnGate with answersFirst lets nobody through while a request is owed, then one per turn', async () => {
    const answers = new AnswersOwed(QUIET_MS);
    const gate = new TurnGate({ answers, maxHoldMs: 10_000 });
    const answered = answers.begin();
    const order: string[] = [];
    const done = [1, 2].map((n) => gate.turn().then(() => order.push(`slow ${n}`)));
    await sleep(QUIET_MS * 3);
    expect(order).toEqual([]);
    answered();
    await Promise.all(done);
    expect(order).toEqual(['slow 1', 'slow 2']);
  });

  it('holds the next caller again when a request arrives between two of them', async () => {
    const answers = new AnswersOwed(QUIET_MS);
    const gate = new TurnGate({ answers, maxHoldMs: 10_000 });
    const order: string[] = [];
    let second: () => void = () => undefined;
    const first = gate.turn().then(() => {
      order.push('slow 1');
      // A request read after the first slow half started: the second waits for its answer.
      second = answers.begin();
    });
    const last = gate.turn().then(() => order.push('slow 2'));
    await first;
    await sleep(QUIET_MS * 3);
    expect(order).toEqual(['slow 1']);
    second();
    await last;
    expect(order).toEqual(['slow 1', 'slow 2']);
  });

  it('lets a caller through after maxHoldMs when the answers never stop being owed', async () => {
    const answers = new AnswersOwed(QUIET_MS);
    const gate = new TurnGate({ answers, maxHoldMs: 40 });
    answers.begin();
    const started = performance.now();
    await gate.turn();
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('TaskTracker starts a slow half only once the request that started it is answered', async () => {
    const answers = new AnswersOwed(QUIET_MS);
    const tasks = new TaskTracker(answers);
    const answered = answers.begin();
    let ran = false;
    const slow = tasks.afterWaitingIo(async () => {
      ran = true;
    });
    await sleep(QUIET_MS * 3);
    expect(ran).toBe(false);
    expect(tasks.size).toBe(1);
    answered();
    await slow;
    expect(ran).toBe(true);
  });
});

describe('the HTTP server counts the answers owed', () => {
  /** A POST whose body is still arriving: the request is in, its answer not yet out. */
  function slowPost(url: string, path: string, contentType: string): { finish: () => Promise<number>; giveUp: () => void } {
    const body = contentType === 'application/json' ? '{"type":"message","id":"1"}' : 'payload=%7B%7D';
    const req = request(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
    });
    const status = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    status.catch(() => undefined);
    req.write(body.slice(0, 5));
    return {
      finish: () => {
        req.end(body.slice(5));
        return status;
      },
      giveUp: () => req.destroy(),
    };
  }

  async function until(what: () => boolean): Promise<void> {
    for (let i = 0; i < 400 && !what(); i++) await sleep(5);
  }

  it('counts Slack and Teams requests from arrival to answer, or to the client giving up; not health checks', async () => {
    const answers = new AnswersOwed(QUIET_MS);
    // Answered once the whole body is in, as Bolt and express.json do.
    const answer: RequestHandler = (req, res) => {
      if (req.readableEnded) res.json({});
      else req.resume().on('end', () => res.json({}));
    };
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: createLogger('silent'),
      readiness: async () => [],
      teams: answer,
      slack: answer,
      answers,
    });
    try {
      const teams = slowPost(server.url, '/api/messages', 'application/json');
      const slack = slowPost(server.url, '/slack/events', 'application/x-www-form-urlencoded');
      await until(() => answers.owed === 2);
      expect(answers.owed).toBe(2);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(answers.owed).toBe(2);
      // Refused as no real activity: an answer all the same.
      expect(await teams.finish()).toBe(400);
      expect(await slack.finish()).toBe(200);
      await until(() => answers.owed === 0);
      expect(answers.owed).toBe(0);

      const gaveUp = slowPost(server.url, '/slack/events', 'application/x-www-form-urlencoded');
      await until(() => answers.owed === 1);
      expect(answers.owed).toBe(1);
      gaveUp.giveUp();
      await until(() => answers.owed === 0);
      expect(answers.owed).toBe(0);
    } finally {
      await server.close();
    }
  });
});
