/**
 * The Entra ID (Azure AD) sign-in result codes responders meet most, in words,
 * so "50126" reads as "50126 — invalid username or password". Codes not listed
 * are shown as they are.
 */
const CODES: Readonly<Record<string, string>> = {
  '0': 'success',
  '50053': 'account locked or sign-in blocked after too many attempts',
  '50055': 'password expired',
  '50056': 'invalid or missing password',
  '50057': 'account disabled',
  '50064': 'credential validation failed',
  '50074': 'MFA required',
  '50076': 'MFA required by policy or location',
  '50079': 'MFA registration required',
  '50105': 'user not assigned to the application',
  '50125': 'sign-in interrupted by a password reset or registration',
  '50126': 'invalid username or password',
  '50133': 'session no longer valid (password changed)',
  '50140': '"stay signed in" prompt',
  '50144': 'Active Directory password expired',
  '50158': 'external security challenge not met',
  '53003': 'blocked by Conditional Access',
  '65001': 'consent not granted',
  '70044': 'session expired',
  '500121': 'MFA failed',
  '530032': 'blocked by security policy',
};

/** "50126 — invalid username or password"; an unknown code as it is. */
export function describeSigninCode(code: string): string {
  const words = CODES[code.trim()];
  return words === undefined ? code : `${code.trim()} — ${words}`;
}

/** Whether a detail named `label` holds sign-in result codes (FailureCodes, ResultType, ErrorCode…). */
export function holdsSigninCodes(label: string): boolean {
  return /result ?type|failure ?codes?|error ?codes?|result ?codes?|status ?codes?/i.test(label);
}
