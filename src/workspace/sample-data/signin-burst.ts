import type { Row } from '../../kql/types';
import type { SampleEntities } from './entities';
import { Prng } from './prng';

const MINUTE = 60_000;

/** The planted password-spray-then-success case that the sign-in burst rule must alert on. */
export interface PlantedSigninBurst {
  upn: string;
  ip: string;
  failures: number;
  /** TimeGenerated of the successful sign-in that follows the failures. */
  successAt: Date;
  successId: string;
}

interface SigninRow {
  row: Row;
  tg: Date;
  ingested: Date;
}

/**
 * Eight failed sign-ins (bad password) from one foreign address within twenty
 * minutes, then a success from the same address: what suspicious-signin-burst.yaml looks for.
 */
export function signinBurst(now: Date, seed: number, ent: SampleEntities): { burst: PlantedSigninBurst; rows: SigninRow[] } {
  const prng = Prng.derive(seed, 'signin-burst');
  const user = ent.users.find((u) => u.upn.startsWith('olivia@'));
  if (user === undefined) throw new Error('sign-in burst: olivia is not in the sample cast');
  const ip = `185.220.${prng.int(100, 110)}.${prng.int(2, 250)}`;
  const failures = 8;
  const start = now.getTime() - 45 * MINUTE;
  const rows: SigninRow[] = [];
  const device = { displayName: '', operatingSystem: 'Linux', browser: 'python-requests 2.31' };
  const location = { city: 'Moscow', state: 'Moscow', countryOrRegion: 'RU', geoCoordinates: { latitude: 55.75, longitude: 37.61 } };
  const base = (tg: Date, id: string, code: string, description: string): Row => ({
    TimeGenerated: tg,
    Id: id,
    UserPrincipalName: user.upn,
    UserDisplayName: user.displayName,
    UserId: user.objectId,
    IPAddress: ip,
    Location: 'RU',
    LocationDetails: location,
    DeviceDetail: device,
    ResultType: code,
    ResultDescription: description,
    AppDisplayName: 'Azure Portal',
    ClientAppUsed: 'Browser',
    ConditionalAccessStatus: code === '0' ? 'notApplied' : 'failure',
    RiskLevelDuringSignIn: 'high',
    Type: 'SigninLogs',
  });
  for (let i = 0; i < failures; i++) {
    const tg = new Date(start + i * 2 * MINUTE);
    const row = base(tg, prng.guid(), '50126', 'Error validating credentials due to invalid username or password.');
    rows.push({ row, tg, ingested: new Date(tg.getTime() + 3 * MINUTE) });
  }
  const successAt = new Date(start + 25 * MINUTE);
  const successId = prng.guid();
  rows.push({ row: base(successAt, successId, '0', ''), tg: successAt, ingested: new Date(successAt.getTime() + 3 * MINUTE) });
  return { burst: { upn: user.upn, ip, failures, successAt, successId }, rows };
}
