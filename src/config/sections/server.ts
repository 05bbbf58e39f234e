import type { EnvReader } from '../reader';
import { host, oneOf, port, url } from '../fields';

export type NodeEnv = 'development' | 'production' | 'test';

export interface ServerConfig {
  host: string;
  port: number;
  /** Where Teams/Slack reach this server from outside, when they do. */
  publicUrl?: string;
  nodeEnv: NodeEnv;
}

export function readServer(r: EnvReader): ServerConfig {
  const publicUrl = r.get('PUBLIC_URL', url({ what: 'an https URL such as https://firstwatch.example.com (http only to localhost)' }));
  return {
    host: r.get('HOST', host) ?? '127.0.0.1',
    port: r.get('PORT', port) ?? 3978,
    publicUrl: publicUrl?.toString().replace(/\/+$/, ''),
    nodeEnv: r.get('NODE_ENV', oneOf(['development', 'production', 'test'] as const)) ?? 'development',
  };
}
