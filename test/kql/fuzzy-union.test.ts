import { KqlError } from '../../src/kql';
import { rows, run, source, table } from './fixtures';

const events = table('Events', 'User:string', [{ User: 'alice' }, { User: 'bob' }]);
const src = source(events);

/**
 * `union isfuzzy=true` as Kusto documents it: the union runs over the legs that
 * resolve, each leg that does not is a warning in the query status, and a
 * union where none resolves is an error.
 */
describe('union isfuzzy=true', () => {
  it('runs over the legs that resolve and warns once for each missing one', () => {
    const warnings: string[] = [];
    expect(rows('union isfuzzy=true Events, Missing, AlsoMissing | count', src, { onWarning: (w) => warnings.push(w) })).toEqual([
      { Count: 2 },
    ]);
    expect(warnings).toEqual([
      "'union' operator: Failed to resolve table expression named 'Missing'",
      "'union' operator: Failed to resolve table expression named 'AlsoMissing'",
    ]);
  });

  it('warns about nothing when every leg resolves', () => {
    const warnings: string[] = [];
    run('union isfuzzy=true Events', src, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
  });

  it('is an error when no leg resolves', () => {
    expect(() => run('union isfuzzy=true Missing, AlsoMissing', src)).toThrow(KqlError);
    expect(() => run('union isfuzzy=true Missing', src)).toThrow(
      /must have at least one operand that can be evaluated successfully when running with 'Fuzzy' mode/,
    );
  });
});
