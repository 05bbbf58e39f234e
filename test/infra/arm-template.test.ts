/**
 * infra/azuredeploy.json, checked against the structure of an ARM deployment template
 * (schemas/2019-04-01/deploymentTemplate.json): no Bicep compiler or ARM schema can be
 * installed from the registries this project uses, so the rules that matter are checked
 * here — expressions that parse and name only declared parameters and variables, resource
 * types and API versions in their form, dependencies on resources the template declares —
 * plus what FirstWatch itself needs: the settings it reads, its port and probe paths, and the
 * Log Analytics Reader role for its identity.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const ROOT = path.join(__dirname, '../..');
const template = JSON.parse(readFileSync(path.join(ROOT, 'infra/azuredeploy.json'), 'utf8')) as Obj;

const TOP_LEVEL = ['$schema', 'contentVersion', 'apiProfile', 'metadata', 'parameters', 'variables', 'functions', 'resources', 'outputs'];
const PARAMETER_TYPES = ['string', 'secureString', 'int', 'bool', 'object', 'secureObject', 'array'];
const PARAMETER_KEYS = ['type', 'defaultValue', 'allowedValues', 'minValue', 'maxValue', 'minLength', 'maxLength', 'metadata'];
// ARM template functions (learn.microsoft.com: template-functions); only these may appear.
const FUNCTIONS = new Set(
  (
    'array concat contains createArray empty first indexOf intersection last lastIndexOf length max min range skip take union ' +
    'coalesce equals greater greaterOrEquals less lessOrEquals and bool false if not or true ' +
    'dateTimeAdd utcNow deployment environment parameters variables ' +
    'createObject json null items ' +
    'extensionResourceId guid listKeys pickZones providers reference resourceGroup resourceId subscription subscriptionResourceId tenantResourceId managementGroup ' +
    'base64 base64ToString dataUri endsWith format newGuid padLeft replace split startsWith string substring toLower toUpper trim uniqueString uri uriComponent uriComponentToString ' +
    'add div mod mul sub int float'
  ).split(' '),
);

function isObj(v: Json | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every string in a JSON tree (object keys too: ARM evaluates expressions there). */
function strings(v: Json, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      strings(x, out);
    }
  }
  return out;
}

const isExpression = (s: string): boolean => s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[');

/** Function names called by one expression; throws when its quotes or brackets do not balance. */
function calls(expression: string): { name: string; arg: string | undefined }[] {
  const body = expression.slice(1, -1);
  let depth = 0;
  let bracket = 0;
  let code = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === "'") {
      const end = body.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed string in ${expression}`);
      code += `'${body.slice(i + 1, end).replace(/'/g, '')}'`;
      i = end;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === '[') bracket++;
    if (c === ']') bracket--;
    if (depth < 0 || bracket < 0) throw new Error(`unbalanced brackets in ${expression}`);
    code += c;
  }
  if (depth !== 0 || bracket !== 0) throw new Error(`unbalanced brackets in ${expression}`);
  return [...code.matchAll(/([A-Za-z][A-Za-z0-9]*)\s*\(\s*('([^']*)')?/g)].map((m) => ({ name: m[1] as string, arg: m[3] }));
}

/** A template and its nested inner-scope templates, each checked against its own declarations. */
function scopes(t: Obj): Obj[] {
  const nested = (Array.isArray(t.resources) ? t.resources : [])
    .filter((r): r is Obj => isObj(r) && r.type === 'Microsoft.Resources/deployments')
    .map((r) => (isObj(r.properties) && isObj(r.properties.template) ? r.properties.template : undefined))
    .filter((x): x is Obj => x !== undefined);
  return [t, ...nested.flatMap(scopes)];
}

/** The template's own strings, without those of nested templates (they have their own scope). */
function ownStrings(t: Obj): string[] {
  const copy = JSON.parse(JSON.stringify(t)) as Obj;
  for (const r of Array.isArray(copy.resources) ? copy.resources : []) {
    if (isObj(r) && r.type === 'Microsoft.Resources/deployments' && isObj(r.properties)) delete r.properties.template;
  }
  return strings(copy);
}

describe.each(scopes(template).map((t, i) => [i === 0 ? 'the template' : `nested template ${i}`, t] as const))('%s', (_name, t) => {
  const parameters = isObj(t.parameters) ? t.parameters : {};
  const variables = isObj(t.variables) ? t.variables : {};
  const expressions = ownStrings(t).filter(isExpression);

  test('has only the top-level properties of a deployment template, and its schema', () => {
    for (const key of Object.keys(t)) expect(TOP_LEVEL).toContain(key);
    expect(t.$schema).toBe('https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#');
    expect(t.contentVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(Array.isArray(t.resources)).toBe(true);
  });

  test('declares parameters with valid types, defaults and limits; secrets as secureString', () => {
    for (const [name, p] of Object.entries(parameters)) {
      expect(isObj(p)).toBe(true);
      const param = p as Obj;
      for (const key of Object.keys(param)) expect(PARAMETER_KEYS).toContain(key);
      expect(PARAMETER_TYPES).toContain(param.type);
      if (/password|token|secret/i.test(name)) expect(param.type).toBe('secureString');
      const d = param.defaultValue;
      if (d !== undefined && !(typeof d === 'string' && isExpression(d))) {
        if (param.type === 'int') expect(Number.isInteger(d)).toBe(true);
        if (param.type === 'string' || param.type === 'secureString') expect(typeof d).toBe('string');
        if (Array.isArray(param.allowedValues)) expect(param.allowedValues).toContain(d);
      }
    }
  });

  test('every expression parses and calls only ARM template functions', () => {
    expect(expressions.length).toBeGreaterThan(0);
    for (const e of expressions) {
      for (const c of calls(e)) expect({ e, fn: c.name, known: FUNCTIONS.has(c.name) }).toEqual({ e, fn: c.name, known: true });
    }
  });

  test('every parameter and variable named is declared, and every parameter is used', () => {
    const used = new Set<string>();
    for (const e of expressions) {
      for (const c of calls(e)) {
        if (c.name === 'parameters') {
          expect(Object.keys(parameters)).toContain(c.arg);
          used.add(c.arg as string);
        }
        if (c.name === 'variables') expect(Object.keys(variables)).toContain(c.arg);
      }
    }
    expect([...used].sort()).toEqual(Object.keys(parameters).sort());
  });

  test('resources have a type, an API version and a name; dependencies name declared resources', () => {
    const resources = (t.resources as Json[]).filter(isObj);
    const types = new Set(resources.map((r) => String(r.type).toLowerCase()));
    for (const r of resources) {
      expect(r.type).toMatch(/^[A-Za-z]+\.[A-Za-z]+\/[A-Za-z]+(\/[A-Za-z]+)*$/);
      expect(r.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}(-preview)?$/);
      expect(typeof r.name).toBe('string');
      for (const dep of Array.isArray(r.dependsOn) ? r.dependsOn : []) {
        // resourceId([subscription, group,] 'Namespace.Provider/type', name…): the quoted type.
        const type = /^\[resourceId\(.*?'([A-Za-z]+\.[A-Za-z]+\/[A-Za-z/]+)'/.exec(String(dep))?.[1];
        expect(type).toBeDefined();
        expect(types).toContain((type as string).toLowerCase());
      }
    }
  });
});

describe('what FirstWatch needs from it', () => {
  const resources = (template.resources as Json[]).filter(isObj);
  const byType = (type: string): Obj[] => resources.filter((r) => r.type === type);
  const app = byType('Microsoft.App/containerApps')[0] as Obj;
  const appText = JSON.stringify(app);

  test('declares the common Azure shape: Container Apps, PostgreSQL, a user-assigned identity, the Azure Bot on Teams', () => {
    for (const type of [
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'Microsoft.App/managedEnvironments',
      'Microsoft.App/containerApps',
      'Microsoft.DBforPostgreSQL/flexibleServers',
      'Microsoft.DBforPostgreSQL/flexibleServers/databases',
      'Microsoft.BotService/botServices',
      'Microsoft.BotService/botServices/channels',
    ]) {
      expect(byType(type)).toHaveLength(1);
    }
    expect(JSON.stringify(byType('Microsoft.BotService/botServices/channels'))).toContain('MsTeamsChannel');
    expect(JSON.stringify(byType('Microsoft.BotService/botServices'))).toContain('/api/messages');
  });

  test("gives the app's identity Log Analytics Reader on the workspace", () => {
    const text = JSON.stringify(template);
    expect(text).toContain('73c42c96-874c-492b-b04d-ab87d138a893'); // the built-in Log Analytics Reader role
    expect(text).toContain('Microsoft.Authorization/roleAssignments');
    expect(text).toContain("format('Microsoft.OperationalInsights/workspaces/{0}'");
    expect(JSON.stringify(app.identity)).toContain('userAssignedIdentities');
    expect(appText).toContain("'AZURE_CLIENT_ID'");
  });

  test('sets only settings FirstWatch reads, and every secret it references exists', () => {
    const known = new Set([...readFileSync(path.join(ROOT, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const all = JSON.stringify(template);
    const envNames = [...all.matchAll(/createObject\('name', '([A-Z][A-Z0-9_]*)'/g), ...all.matchAll(/"name":\s*"([A-Z][A-Z0-9_]*)"/g)].map(
      (m) => m[1],
    );
    expect(envNames.length).toBeGreaterThan(8);
    for (const name of envNames) expect(known).toContain(name);
    const secrets = new Set(
      [...all.matchAll(/createObject\('name', '([a-z][a-z-]*)', 'value'/g), ...all.matchAll(/"name":\s*"([a-z][a-z-]*)",\s*"value"/g)].map(
        (m) => m[1],
      ),
    );
    const refs = [...all.matchAll(/'secretRef', '([a-z-]+)'/g), ...all.matchAll(/"secretRef":\s*"([a-z-]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(2);
    for (const ref of refs) expect(secrets).toContain(ref);
    expect(appText).toContain("'DATABASE_URL', 'secretRef', 'database-url'");
  });

  test("listens where the image listens and probes the image's health endpoints", () => {
    const port = /PORT=(\d+)/.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    const configuration = (app.properties as Obj).configuration as Obj;
    expect(String((configuration.ingress as Obj).targetPort)).toBe(port);
    const server = readFileSync(path.join(ROOT, 'src/server.ts'), 'utf8');
    const probes = ((((app.properties as Obj).template as Obj).containers as Obj[])[0] as Obj).probes as Obj[];
    for (const probe of probes) {
      const get = probe.httpGet as Obj;
      expect(String(get.port)).toBe(port);
      expect(server).toContain(`'${String(get.path)}'`);
    }
    expect(probes.map((p) => p.type).sort()).toEqual(['Liveness', 'Readiness']);
  });
});
