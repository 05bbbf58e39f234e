import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One loopback request with exactly the bytes and headers given (no client-side fixing up). */
export function request(base: string, req: RawRequest, agent?: http.Agent): Promise<Answer> {
  // The path goes out exactly as given (even '//' or '%ff'), only host and port come from the base.
  const url = new URL(base);
  const headers: Record<string, string> = { ...req.headers };
  // A declared length (as Slack and Teams send) unless the caller chose its own framing.
  if (req.body !== undefined && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    headers['content-length'] = String(Buffer.byteLength(req.body));
  }
  return new Promise((resolve, reject) => {
    const r = http.request({ host: url.hostname, port: url.port, path: req.path, method: req.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}
