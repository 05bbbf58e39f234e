import { buildActivityQuery } from '../../src/poller/enrichment/azure-vm-target';
import { extensionMechanism, operationFamily, parseResourceId } from '../../src/poller/enrichment/operations';
import { kustoSemanticErrors, kustoStringLiterals, kustoSyntaxErrors, loadKustoParser } from '../support/kusto-parser';

describe('the AzureActivity enrichment query', () => {
  beforeAll(() => loadKustoParser(), 60_000);

  it('is valid KQL for Microsoft’s parser, against the AzureActivity schema', () => {
    const query = buildActivityQuery(['alice@contoso.com', 'bob@contoso.com']);
    expect(kustoSyntaxErrors(query)).toEqual([]);
    expect(kustoSemanticErrors(query)).toEqual([]);
  });

  it('carries callers from query results only inside one base64 literal, whatever they contain', () => {
    const hostile = `x" | union * | where "1"=="1@contoso.com\n// comment`;
    const query = buildActivityQuery(['alice@contoso.com', hostile]);
    expect(kustoSyntaxErrors(query)).toEqual([]);
    const literals = kustoStringLiterals(query);
    const encoded = Buffer.from(`alice@contoso.com\n${hostile}`, 'utf8').toString('base64');
    expect(literals.filter((l) => l === encoded)).toHaveLength(1);
    // The query's shape does not depend on the callers.
    expect(query.replace(encoded, '')).toBe(buildActivityQuery(['a']).replace(Buffer.from('a').toString('base64'), ''));
  });
});

describe('naming the mechanism and the machine', () => {
  it.each([
    ['Microsoft.Compute/virtualMachines/runCommand/action', 'runcommand'],
    ['Run Command on Virtual Machine', 'runcommand'],
    ['Microsoft.Compute/virtualMachines/runCommands/write', 'runcommands'],
    ['Create or Update Virtual Machine Run Command', 'runcommands'],
    ['Create or Update Machine Run Command', 'runcommands'],
    ['Microsoft.HybridCompute/machines/extensions/write', 'extension'],
    ['Create or Update Virtual Machine Extension', 'extension'],
    ['Start Virtual Machine', undefined],
  ])('%s → %s', (text, family) => {
    expect(operationFamily(text)).toBe(family);
  });

  it('tells the Custom Script Extension from other extensions', () => {
    expect(
      extensionMechanism(
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/extensions/CustomScriptExtension',
        undefined,
      ),
    ).toBe('Custom Script Extension');
    expect(
      extensionMechanism(
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/extensions/AzureMonitorAgent',
        undefined,
      ),
    ).toBe('VM extension');
  });

  it('reads subscription, resource group and machine from a child resource id', () => {
    expect(
      parseResourceId('/subscriptions/S1/resourceGroups/RG-1/providers/Microsoft.HybridCompute/machines/srv-01/runCommands/fw'),
    ).toEqual({
      subscriptionId: 'S1',
      resourceGroup: 'RG-1',
      machineId: '/subscriptions/S1/resourceGroups/RG-1/providers/Microsoft.HybridCompute/machines/srv-01',
      name: 'srv-01',
    });
  });
});
