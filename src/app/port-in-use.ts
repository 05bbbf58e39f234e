import net from 'node:net';

/** The bot's port is taken: most often by a FirstWatch that is already running. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';

  constructor(readonly port: number) {
    super(`port ${port} is in use — is FirstWatch already running?`);
  }
}

export function isAddressInUse(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EADDRINUSE';
}

/**
 * Fails at once when host:port cannot be listened on because something holds
 * it, before anything slower starts. Port 0 (any free port) always passes.
 * Only a probe: the real listen can still lose a race, and reports the same error.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err) => reject(isAddressInUse(err) ? new PortInUseError(port) : err));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
