import { parseLookback, validateUpn } from '../../../src/alerts/hunt/upn';

describe('validateUpn', () => {
  it.each([
    ['alex@contoso.com', 'alex@contoso.com'],
    ['  Alex.Wilber@Contoso.OnMicrosoft.com \n', 'alex.wilber@contoso.onmicrosoft.com'],
    ['a_b%c+d-e@sub-1.contoso.co.uk', 'a_b%c+d-e@sub-1.contoso.co.uk'],
    ['x@a.b', 'x@a.b'],
    [`${'a'.repeat(64)}@contoso.com`, `${'a'.repeat(64)}@contoso.com`],
  ])('accepts %j as %j', (input, upn) => {
    expect(validateUpn(input)).toEqual({ ok: true, upn });
  });

  /** Each hostile input, and the words its refusal must contain. */
  const HOSTILE: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['alex', /needs an @/],
    ['alex@', /domain "" needs at least one dot|needs at least one dot/],
    ['@contoso.com', /name part before @ is empty/],
    ['alex@contoso', /needs at least one dot/],
    ['alex@@contoso.com', /exactly one @/],
    ['a@b@contoso.com', /exactly one @/],
    ['.alex@contoso.com', /start or end with a dot/],
    ['alex.@contoso.com', /start or end with a dot/],
    ['al..ex@contoso.com', /two dots in a row/],
    ['alex@contoso..com', /two dots in a row/],
    ['alex@.contoso.com', /start or end with a dot/],
    ['alex@contoso.com.', /start or end with a dot/],
    ['alex@-contoso.com', /may not start or end with a hyphen/],
    ['alex@contoso-.com', /may not start or end with a hyphen/],
    ['al ex@contoso.com', /whitespace U\+0020/],
    ['alex@contoso.com\nmore', /control character U\+000A/],
    ['alex\r@contoso.com', /control character U\+000D/],
    ['alex\u0000@contoso.com', /control character U\+0000/],
    ['alex\t@contoso.com', /control character U\+0009/],
    ['alex\u007f@contoso.com', /control character U\+007F/],
    ['alex\u0085@contoso.com', /control character U\+0085/],
    ['"alex"@contoso.com', /U\+0022 \("\) is not allowed in the name part/],
    ["alex'@contoso.com", /U\+0027/],
    ['alex|take 1@contoso.com', /U\+007C \(\|\)/],
    ['alex@contoso.com|where 1==1', /U\+007C \(\|\) is not allowed in the domain/],
    ['alex@contoso.com")|union *', /U\+0022/],
    ['alex;drop@contoso.com', /U\+003B/],
    ['alex\\@contoso.com', /U\+005C/],
    ['alex@contoso.com/evil', /U\+002F/],
    ['alex<script>@contoso.com', /U\+003C/],
    ['alex@contoso_corp.com', /U\+005F \(_\) is not allowed in the domain/],
    ['аlex@contoso.com', /non-ASCII character U\+0430 \(а; look-alike letters are refused\)/], // Cyrillic a
    ['alex@cоntoso.com', /non-ASCII character U\+043E/], // Cyrillic o
    ['alex@contoso.com\u200b', /U\+200B/], // zero-width space
    ['alex\u00a0@contoso.com', /U\+00A0/], // no-break space
    ['ａlex@contoso.com', /U\+FF41/], // full-width a
    ['alex@xn--contoso.com\u202e', /U\+202E/], // right-to-left override
    ['alex😀@contoso.com', /U\+1F600/],
    [`${'a'.repeat(65)}@contoso.com`, /name part is 65 characters; the limit is 64/],
    [`a@${'b'.repeat(64)}.com`, /longer than 63/],
    [`a@${'b.'.repeat(130)}com`, /characters long; the limit is 254/],
  ];

  it.each(HOSTILE)('refuses %j, saying why', (input, says) => {
    const r = validateUpn(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(says);
  });

  it('refuses anything that is not text', () => {
    for (const v of [undefined, null, 42, {}, ['alex@contoso.com']]) expect(validateUpn(v).ok).toBe(false);
  });

  it('never returns a UPN outside the accepted alphabet (every character 0..0x2FF but @, and some beyond)', () => {
    const points = [...Array(0x300).keys(), 0x2028, 0x2029, 0xfeff, 0xd800].filter((cp) => cp !== 0x40);
    for (const cp of points) {
      const ch = String.fromCharCode(cp);
      const r = validateUpn(`al${ch}ex@contoso.com`);
      if (r.ok) expect(r.upn).toMatch(/^[a-z0-9._%+-]+@contoso\.com$/);
      else expect(r.reason).toContain(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    }
  });
});

describe('parseLookback', () => {
  const limits = { default: 86_400_000, max: 30 * 86_400_000 };

  it.each([
    [undefined, 86_400_000],
    ['', 86_400_000],
    ['90m', 90 * 60_000],
    ['24h', 86_400_000],
    ['7d', 7 * 86_400_000],
    ['30d', 30 * 86_400_000],
    ['  12H ', 12 * 3_600_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseLookback(text, limits)).toEqual({ ok: true, ms });
  });

  it.each([
    ['31d', /longer than the maximum look-back of 30d/],
    ['0h', /not a look-back/],
    ['1.5h', /not a look-back/],
    ['-1d', /not a look-back/],
    ['P1D', /not a look-back/],
    ['24', /not a look-back/],
    ['h', /not a look-back/],
    ['1w', /not a look-back/],
    ['1d2h', /not a look-back/],
    ['9999999d', /not a look-back/],
    ['24 h', /not a look-back/],
    ['２４h', /not a look-back/],
  ])('refuses %j', (text, says) => {
    const r = parseLookback(text, limits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(says);
  });
});
