// docs/openapi.json against the server: every /api/v1 route of the router is in the document and
// nothing else is; the server answers the document itself; and the answers the API tests get
// match the schemas the document gives for that route and status.
//
// The answers come from API test programs (tests/api, built beside LIAISON_BIN) run with
// LIAISON_RECORD_RESPONSES, which makes the harness write every answer to a file, and from a walk
// of this test's own: every GET route as the public and as each demo role, with ids taken from
// the lists the same caller sees.
// LIAISON_RESPONSES_FILE=FILE checks a recording made by another run instead (e.g. the whole
// API suite: `LIAISON_RECORD_RESPONSES=/tmp/r.jsonl ctest -R '^api_'`).

import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {appendFileSync, existsSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {test} from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {BIN, DEMO_ADMIN, startServer, exited} from './lib/server.mjs';

const DEMO_PASSWORD = DEMO_ADMIN.password; // every demo account's

const DOC_FILE = resolve('docs/openapi.json');
const doc = JSON.parse(readFileSync(DOC_FILE, 'utf8'));
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
// API test programs whose answers are checked: the walk reaches every route; the others are
// journeys that fill records with real data.
const RECORDED_TESTS = ['test_smoke', 'test_registry_api', 'test_activities', 'test_opinions'];
const ROLES = ['admin', 'staff', 'deputy', 'unit', 'member'];

// "GET /api/v1/users/{id}" for each route the binary serves under /api/v1
function routerOperations() {
  const out = execFileSync(BIN, ['routes'], {encoding: 'utf8'});
  return out.trim().split('\n').map((line) => line.trim().split(/\s+/))
    .filter(([, pattern]) => pattern.startsWith('/api/v1/'))
    .map(([method, pattern]) => `${method} ${pattern.replace(/:(\w+)/g, '{$1}')}`);
}

function documentOperations() {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));
}

// A JSON pointer of this document ("#/components/schemas/Error") to its value.
function deref(ref) {
  return ref.slice(2).split('/').reduce((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

test('every route the router serves under /api/v1 is in the document, and nothing else', () => {
  const served = new Set(routerOperations());
  const described = new Set(documentOperations());
  const undocumented = [...served].filter((op) => !described.has(op));
  const unserved = [...described].filter((op) => !served.has(op));
  const report = [...undocumented.map((op) => `missing from docs/openapi.json: ${op}`),
    ...unserved.map((op) => `in docs/openapi.json but not served: ${op}`)];
  assert.deepEqual(report, [], `the document and the router differ:\n  ${report.join('\n  ')}`);
});

test('every reference resolves and every error answer has the one error shape', () => {
  const broken = [];
  const walk = (node, where) => {
    if (node && typeof node === 'object') {
      if (typeof node.$ref === 'string' && deref(node.$ref) === undefined)
        broken.push(`${where}: ${node.$ref}`);
      for (const [k, v] of Object.entries(node))
        walk(v, `${where}/${k}`);
    }
  };
  walk(doc, '#');
  assert.deepEqual(broken, [], 'unresolved references');
  const wrong = [];
  const ids = new Set();
  for (const op of documentOperations()) {
    const [method, path] = op.split(' ');
    const operation = doc.paths[path][method.toLowerCase()];
    assert.ok(!ids.has(operation.operationId), `operationId ${operation.operationId} used twice`);
    ids.add(operation.operationId);
    for (const [status, response] of Object.entries(operation.responses)) {
      if (status !== 'default' && Number(status) < 400)
        continue;
      const r = response.$ref ? deref(response.$ref) : response;
      if (r?.content?.['application/json']?.schema?.$ref !== '#/components/schemas/Error')
        wrong.push(`${op} ${status}`);
    }
  }
  assert.deepEqual(wrong, [], 'error answers not described by #/components/schemas/Error');
});

test('the server answers the document at /api/v1/openapi.json to anyone', async () => {
  const server = await startServer();
  try {
    const res = await fetch(`${server.base}/api/v1/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(await res.json(), doc);
  } finally {
    await server.close();
  }
});

// ---- answers against schemas ----

function run(program, env) {
  return new Promise((ok, fail) => {
    const child = spawn(program, [], {env, stdio: ['ignore', 'pipe', 'pipe']});
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.once('error', fail);
    exited(child).then(({code}) => code === 0 ? ok() : fail(new Error(`${program} failed (${code}):\n${output.slice(-4000)}`)));
  });
}

// Every GET route as the public and each role: a route naming an id gets the first id of the
// list it lies under (/api/v1/ballots/{id}/announcement: the first of /api/v1/ballots), and is
// skipped when there is none. Answers in the harness's recording format.
async function walkReads() {
  const server = await startServer();
  const answers = [];
  try {
    const gets = Object.keys(doc.paths).filter((p) => doc.paths[p].get && p !== '/api/v1/openapi.json');
    for (const role of [null, ...ROLES]) {
      const session = role ? await server.signIn({username: role, password: DEMO_PASSWORD}) : null;
      const firstIds = new Map();
      const get = async (path) => {
        const headers = session ? {Cookie: session.cookie} : {};
        const res = await fetch(`${server.base}${path}`, {headers});
        const text = await res.text();
        let body = null;
        try { body = JSON.parse(text); } catch { /* not JSON */ }
        answers.push(JSON.stringify({method: 'GET', path, status: res.status, type: res.headers.get('content-type'), body}));
        return body;
      };
      for (const path of gets.filter((p) => !p.includes('{')))
        firstIds.set(path, (await get(path))?.items?.[0]?.id);
      for (const path of gets.filter((p) => p.includes('{'))) {
        const id = firstIds.get(path.slice(0, path.indexOf('/{')));
        const filled = path.replace(/\{\w+\}/, id).replace(/\{\w+\}/g, '1');
        if (id !== undefined && !filled.includes('{'))
          await get(filled);
      }
    }
  } finally {
    await server.close();
  }
  if (process.env.LIAISON_RECORD_RESPONSES) // recorded like the harness's answers
    appendFileSync(process.env.LIAISON_RECORD_RESPONSES, `${answers.join('\n')}\n`);
  return answers.join('\n');
}

async function recordAnswers() {
  if (process.env.LIAISON_RESPONSES_FILE)
    return readFileSync(process.env.LIAISON_RESPONSES_FILE, 'utf8');
  const walked = walkReads();
  const file = join(tmpdir(), `liaison-answers-${process.pid}.jsonl`);
  const env = {...process.env, LIAISON_BIN: BIN, LIAISON_RECORD_RESPONSES: file};
  const programs = RECORDED_TESTS.map((name) => join(dirname(BIN), name));
  for (const p of programs)
    assert.ok(existsSync(p), `${p} is not built`);
  try {
    await Promise.all(programs.map((p) => run(p, env)));
    return `${readFileSync(file, 'utf8')}\n${await walked}`;
  } finally {
    execFileSync('rm', ['-f', file]);
  }
}

// Templates with more literal segments first, as the router prefers /opinions/export.csv to
// /opinions/{id}.
const templates = Object.keys(doc.paths)
  .map((path) => ({path, literals: path.split('/').filter((s) => s && !s.startsWith('{')).length,
    re: new RegExp(`^${path.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`)}))
  .sort((a, b) => b.literals - a.literals);

test('answers of the API tests match the schemas of the document', async () => {
  const ajv = new Ajv2020({strict: false, allErrors: false});
  addFormats(ajv);
  ajv.addSchema({$id: 'doc', components: doc.components});
  const validators = new Map();
  const validator = (schema) => {
    const key = JSON.stringify(schema);
    if (!validators.has(key))
      validators.set(key, ajv.compile(JSON.parse(key.replace(/"#\/components\//g, '"doc#/components/'))));
    return validators.get(key);
  };

  const problems = new Map(); // one line per route, status and problem, with how often
  const note = (what) => problems.set(what, (problems.get(what) || 0) + 1);
  let checked = 0;
  for (const line of (await recordAnswers()).split('\n')) {
    if (!line)
      continue;
    const answer = JSON.parse(line);
    const path = answer.path.split('?')[0];
    if (!path.startsWith('/api/v1/'))
      continue;
    const template = templates.find((t) => t.re.test(path) && doc.paths[t.path][answer.method.toLowerCase()]);
    if (!template)
      continue; // not a route (404/405 probes): the route test above covers the table
    const operation = doc.paths[template.path][answer.method.toLowerCase()];
    const where = `${answer.method} ${template.path} ${answer.status}`;
    let response = operation.responses[answer.status] ?? (answer.status >= 400 ? operation.responses.default : undefined);
    if (!response) {
      note(`${where}: status not in the document`);
      continue;
    }
    if (response.$ref)
      response = deref(response.$ref);
    const type = (answer.type || '').split(';')[0].trim();
    if (!response.content) {
      if (answer.body !== undefined && answer.body !== null)
        note(`${where}: a body where the document says none`);
      checked++;
      continue;
    }
    const media = response.content[type];
    if (!media) {
      note(`${where}: content type ${type || '(none)'} not in ${Object.keys(response.content).join(', ')}`);
      continue;
    }
    checked++;
    if (type !== 'application/json')
      continue;
    const validate = validator(media.schema);
    if (!validate(answer.body ?? null)) {
      const e = validate.errors[0];
      note(`${where}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
  assert.ok(checked > 200, `only ${checked} answers were checked`);
  const report = [...problems].map(([what, n]) => `${what}${n > 1 ? ` (x${n})` : ''}`);
  assert.deepEqual(report, [], `answers that do not match docs/openapi.json:\n  ${report.join('\n  ')}`);
});
