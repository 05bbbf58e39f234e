import type { EnvReader } from '../reader';
import { z } from 'zod';
import { host, oneOf, port, url } from '../fields';

const metricsToken = z.string().regex(/^[\x21-\x7e]{16,512}$/, 'at least 16 printable characters without spaces');

export type NodeEnv = 'development' | 'production' | 'test';

export interface ServerConfig {
  host: string;
  port: number;
  /** Where Teams/Slack reach this server from outside, when they do. */
  publicUrl?: string;
  nodeEnv: NodeEnv;
  /** When set, /metrics and /readyz answer only requests with "Authorization: Bearer <token>"; print only through redactConfig. */
  metricsToken?: string;
}

export function readServer(r: EnvReader): ServerConfig {
  const publicUrl = r.get('PUBLIC_URL', url({ what: 'an https URL such as https://firstwatch.example.com (http only to localhost)' }));
  const token = r.get('METRICS_TOKEN', metricsToken, 'secret');
  return {
    ...(token !== undefined ? { metricsToken: token } : {}),
    host: r.get('HOST', host) ?? '127.0.0.1',
    port: r.get('PORT', port) ?? 3978,
    publicUrl: publicUrl?.toString().replace(/\/+$/, ''),
    nodeEnv: r.get('NODE_ENV', oneOf(['development', 'production', 'test'] as const)) ?? 'development',
  };
}
