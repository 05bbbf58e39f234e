/**
 * Requests written to sockets by hand, for tests that need a burst to be
 * waiting on the server's sockets before it reads any of them (fetch would
 * send each when its connection is ready).
 */
import net from 'node:net';

/** An HTTP/1.1 POST as bytes, closing the connection after the answer. */
export function rawPost(url: string, headers: Record<string, string>, body: string): string {
  const u = new URL(url);
  const lines = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `POST ${u.pathname} HTTP/1.1\r\nhost: ${u.host}\r\n${lines}\r\n${body}`;
}

export function connect(url: string): Promise<net.Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server wrote back, once it closed the connection. */
export function answerOf(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
}

/** Numbers this process's event-loop turns from now on (one setImmediate per turn) until stop(). */
export function countTurns(): { now(): number; stop(): void } {
  let turn = 0;
  let counting = true;
  const count = (): void => {
    turn += 1;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  return {
    now: () => turn,
    stop: () => {
      counting = false;
    },
  };
}

/**
 * Opens one connection per request, waits until the server has accepted them
 * all, then writes every request in one go; resolves with each answer's text.
 */
export async function burstOnSockets(requests: { url: string; headers: Record<string, string>; body: string }[]): Promise<string[]> {
  const sockets = await Promise.all(requests.map((r) => connect(r.url)));
  const answers = sockets.map(answerOf);
  // A connect completes before the server's accept.
  await new Promise((resolve) => setTimeout(resolve, 100));
  sockets.forEach((socket, i) => socket.write(rawPost(requests[i].url, requests[i].headers, requests[i].body)));
  return Promise.all(answers);
}
