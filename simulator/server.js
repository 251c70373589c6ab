#!/usr/bin/env node
/*
 * Launcher for the AWS Amplify AppSync simulator, bound to 127.0.0.1 only.
 *
 * Usage:
 *   node server.js --config path/to/simulator.json [options]
 *   node server.js --schema schema.graphql --api-key KEY [options]
 *
 * Options (each overrides the config file):
 *   --config FILE             JSON config (format below); relative paths in it are
 *                             resolved against the file's folder.
 *   --schema FILE             GraphQL schema in AppSync style (AWS scalars and
 *                             directives used but not declared).
 *   --resolvers FILE          JSON file holding {dataSources, resolvers, functions,
 *                             resolverDefaults}; relative paths resolve against it.
 *   --api-key KEY             API key; repeat to accept several (the first is primary).
 *   --auth MODE               default auth mode (API_KEY, AMAZON_COGNITO_USER_POOLS,
 *                             OPENID_CONNECT, AWS_IAM).
 *   --additional-auth MODE    an additional auth mode; repeatable.
 *   --cognito-user-pool-id ID Cognito user pool id (with --cognito-region).
 *   --cognito-region REGION
 *   --oidc-issuer URL         issuer accepted for OPENID_CONNECT tokens.
 *   --oidc-client-id ID
 *   --port N                  TCP port on 127.0.0.1; 0 (default) lets the kernel pick.
 *   --exit-with-stdin         exit when stdin reaches EOF (the parent died).
 *
 * Config file format:
 *   {
 *     "schema": "schema.graphql",
 *     "port": 0,
 *     "appSync": {
 *       "name": "my-api",
 *       "apiKey": "da2-...",                 // or "apiKeys": ["da2-...", "da2-..."]
 *       "defaultAuthenticationType": {"authenticationType": "API_KEY"},
 *       "additionalAuthenticationProviders": [
 *         {"authenticationType": "AMAZON_COGNITO_USER_POOLS",
 *          "cognitoUserPoolConfig": {"UserPoolId": "us-east-1_Example", "AwsRegion": "us-east-1"}},
 *         {"authenticationType": "OPENID_CONNECT",
 *          "openIDConnectConfig": {"Issuer": "https://auth.example.com", "ClientId": "web"}},
 *         {"authenticationType": "AWS_IAM"}
 *       ]
 *     },
 *     "dataSources": [
 *       {"name": "Notes", "type": "AWS_LAMBDA", "handler": "resolvers/notes.js#handler"},
 *       {"name": "None", "type": "NONE"}
 *     ],
 *     "resolverDefaults": {"kind": "UNIT", "dataSourceName": "Notes",
 *                          "requestMappingTemplateLocation": "resolvers/invoke.req.vtl",
 *                          "responseMappingTemplateLocation": "resolvers/invoke.res.vtl"},
 *     "resolvers": [{"typeName": "Query", "fieldName": "getNote"}],
 *     "functions": []
 *   }
 *
 * An AWS_LAMBDA data source names a CommonJS module ("file.js" or "file.js#export",
 * default export name "handler"); the simulator calls it in-process with the payload
 * of the request mapping template, as AWS Lambda would receive it as its event.
 * Mapping templates are read from the *Location paths (relative to the file that
 * names them) or given inline as requestMappingTemplate/responseMappingTemplate.
 *
 * When ready it prints exactly one line to stdout:
 *   APPSYNC_SIMULATOR_READY {"url": "http://127.0.0.1:PORT/graphql", ...}
 * Everything else (including the simulator's own console.log output) goes to stderr,
 * so a parent that stops reading stdout can never block this process.
 */
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

const READY_MARKER = 'APPSYNC_SIMULATOR_READY';
const HOST = '127.0.0.1';
const AUTH_MODES = ['API_KEY', 'AMAZON_COGNITO_USER_POOLS', 'OPENID_CONNECT', 'AWS_IAM'];
const SIMULATOR_PACKAGE = '@aws-amplify/amplify-appsync-simulator';

// Keep stdout for the READY line alone: the simulator logs with console.log/warn.
const writeStdout = process.stdout.write.bind(process.stdout);
for (const method of ['log', 'info', 'warn', 'debug']) {
  console[method] = (...args) => console.error(...args);
}

function fail(message) {
  process.stderr.write(`appsync-simulator: ${message}\n`);
  process.exit(2);
}

// A bad WebSocket frame makes the simulator throw outside any handler; log it, keep serving.
process.on('uncaughtException', (err) => {
  process.stderr.write(`appsync-simulator: uncaught exception: ${(err && err.stack) || err}\n`);
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`appsync-simulator: unhandled rejection: ${(reason && reason.stack) || reason}\n`);
});

function parseArgs(argv) {
  const opts = { apiKeys: [], additionalAuth: [] };
  const valueFlags = {
    '--config': 'config',
    '--schema': 'schema',
    '--resolvers': 'resolvers',
    '--auth': 'auth',
    '--cognito-user-pool-id': 'cognitoUserPoolId',
    '--cognito-region': 'cognitoRegion',
    '--oidc-issuer': 'oidcIssuer',
    '--oidc-client-id': 'oidcClientId',
    '--port': 'port',
  };
  for (let i = 0; i < argv.length; i += 1) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const takeValue = () => {
      if (value !== undefined) return value;
      i += 1;
      if (i >= argv.length) fail(`${arg} needs a value`);
      return argv[i];
    };
    if (arg === '--help' || arg === '-h') {
      const source = fs.readFileSync(__filename, 'utf8');
      const header = source.slice(source.indexOf('/*') + 2, source.indexOf('*/'));
      process.stderr.write(`${header.replace(/^ \* ?/gm, '').trim()}\n`);
      process.exit(0);
    } else if (arg === '--exit-with-stdin') {
      opts.exitWithStdin = true;
    } else if (arg === '--api-key') {
      opts.apiKeys.push(takeValue());
    } else if (arg === '--additional-auth') {
      opts.additionalAuth.push(takeValue());
    } else if (valueFlags[arg]) {
      opts[valueFlags[arg]] = takeValue();
    } else {
      fail(`unknown argument ${JSON.stringify(arg)} (see --help)`);
    }
  }
  return opts;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(`cannot read JSON config ${file}: ${e.message}`);
  }
}

function readText(file, what) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    return fail(`cannot read ${what} ${file}: ${e.message}`);
  }
}

function authProvider(mode, opts, existing) {
  if (!AUTH_MODES.includes(mode)) {
    if (mode === 'AWS_LAMBDA') fail('AWS_LAMBDA authorization is not supported by the AppSync simulator');
    fail(`unknown auth mode ${JSON.stringify(mode)}; expected one of ${AUTH_MODES.join(', ')}`);
  }
  const provider = { ...(existing || {}), authenticationType: mode };
  if (mode === 'AMAZON_COGNITO_USER_POOLS') {
    const cfg = { ...(provider.cognitoUserPoolConfig || {}) };
    if (opts.cognitoUserPoolId) cfg.UserPoolId = opts.cognitoUserPoolId;
    if (opts.cognitoRegion) cfg.AwsRegion = opts.cognitoRegion;
    provider.cognitoUserPoolConfig = cfg;
  } else if (mode === 'OPENID_CONNECT') {
    const cfg = { ...(provider.openIDConnectConfig || {}) };
    if (opts.oidcIssuer) cfg.Issuer = opts.oidcIssuer;
    if (opts.oidcClientId) cfg.ClientId = opts.oidcClientId;
    if (!cfg.Issuer) fail('OPENID_CONNECT needs an issuer (openIDConnectConfig.Issuer or --oidc-issuer)');
    provider.openIDConnectConfig = cfg;
  }
  return provider;
}

/** Load one Lambda handler module: "file.js" or "file.js#exportName". */
function loadLambda(spec, baseDir, sourceName) {
  const [file, exportName = 'handler'] = spec.split('#');
  const modulePath = path.resolve(baseDir, file);
  let mod;
  try {
    mod = require(modulePath);
  } catch (e) {
    return fail(`data source ${sourceName}: cannot load ${modulePath}: ${e.stack || e}`);
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    fail(`data source ${sourceName}: ${modulePath} does not export a function ${exportName}`);
  }
  return (payload) => fn(payload, { functionName: sourceName });
}

function buildResolverConfig(section, baseDir, mappingTemplates) {
  const templateKeys = ['requestMappingTemplateLocation', 'responseMappingTemplateLocation'];
  const registerTemplates = (entry) => {
    const out = { ...entry };
    for (const key of templateKeys) {
      if (out[key]) {
        const file = path.resolve(baseDir, out[key]);
        if (!mappingTemplates.has(file)) {
          mappingTemplates.set(file, readText(file, 'mapping template'));
        }
        out[key] = file;
      }
    }
    return out;
  };
  const dataSources = (section.dataSources || []).map((source) => {
    if (source.type === 'AWS_LAMBDA' && typeof source.invoke !== 'function') {
      if (!source.handler) fail(`AWS_LAMBDA data source ${source.name} needs a "handler" module`);
      return { ...source, invoke: loadLambda(source.handler, baseDir, source.name) };
    }
    return { ...source };
  });
  const defaults = section.resolverDefaults || {};
  const resolvers = (section.resolvers || []).map((resolver) => {
    const merged = { kind: 'UNIT', ...defaults, ...resolver };
    // Inline templates on the resolver win over default template files.
    for (const [inline, location] of [
      ['requestMappingTemplate', 'requestMappingTemplateLocation'],
      ['responseMappingTemplate', 'responseMappingTemplateLocation'],
    ]) {
      if (resolver[inline]) delete merged[location];
    }
    return registerTemplates(merged);
  });
  const functions = (section.functions || []).map(registerTemplates);
  return { dataSources, resolvers, functions };
}

function buildConfig(opts) {
  let file = {};
  let baseDir = process.cwd();
  if (opts.config) {
    const configPath = path.resolve(opts.config);
    file = readJson(configPath);
    baseDir = path.dirname(configPath);
  }
  const schemaPath = opts.schema ? path.resolve(opts.schema) : file.schema && path.resolve(baseDir, file.schema);
  if (!schemaPath) fail('no schema given (--schema or "schema" in --config)');

  const appSync = { name: 'appsync-simulator', ...(file.appSync || {}) };
  let apiKeys = opts.apiKeys.length ? opts.apiKeys : appSync.apiKeys || (appSync.apiKey ? [appSync.apiKey] : []);
  apiKeys = apiKeys.filter(Boolean);
  delete appSync.apiKeys;
  appSync.apiKey = apiKeys[0];

  const defaultMode = opts.auth || (appSync.defaultAuthenticationType || {}).authenticationType || 'API_KEY';
  appSync.defaultAuthenticationType = authProvider(defaultMode, opts, appSync.defaultAuthenticationType);
  const fileAdditional = appSync.additionalAuthenticationProviders || [];
  const additionalModes = opts.additionalAuth.length
    ? opts.additionalAuth
    : fileAdditional.map((p) => p.authenticationType);
  appSync.additionalAuthenticationProviders = additionalModes.map((mode) =>
    authProvider(mode, opts, fileAdditional.find((p) => p.authenticationType === mode)),
  );
  const allModes = [defaultMode, ...additionalModes];
  if (allModes.includes('API_KEY') && !apiKeys.length) fail('API_KEY auth is enabled but no API key is configured');

  const mappingTemplates = new Map();
  const sections = [buildResolverConfig(file, baseDir, mappingTemplates)];
  if (opts.resolvers) {
    const resolversPath = path.resolve(opts.resolvers);
    sections.push(buildResolverConfig(readJson(resolversPath), path.dirname(resolversPath), mappingTemplates));
  }
  const port = Number(opts.port !== undefined ? opts.port : file.port || 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port ${opts.port}`);

  return {
    port,
    apiKeys,
    simulatorConfig: {
      appSync,
      schema: { path: schemaPath, content: readText(schemaPath, 'schema') },
      dataSources: sections.flatMap((s) => s.dataSources),
      resolvers: sections.flatMap((s) => s.resolvers),
      functions: sections.flatMap((s) => s.functions),
      mappingTemplates: Array.from(mappingTemplates, ([p, content]) => ({ path: p, content })),
    },
  };
}

/**
 * The simulator compares one API key. AppSync APIs may have several: accept every
 * configured key by presenting the matching one as the primary for that request.
 */
function acceptApiKeys(apiKeys) {
  if (apiKeys.length < 2) return;
  let mod;
  try {
    mod = require(`${SIMULATOR_PACKAGE}/lib/utils/auth-helpers/current-auth-mode`);
  } catch (e) {
    fail(`several API keys need ${SIMULATOR_PACKAGE}/lib/utils/auth-helpers (${e.message})`);
  }
  const original = mod.getAuthorizationMode;
  mod.getAuthorizationMode = (headers, appSyncConfig) => {
    const name = Object.keys(headers || {}).find((h) => h.toLowerCase() === 'x-api-key');
    const given = name && headers[name];
    const key = Array.isArray(given) ? given[0] : given;
    if (key && apiKeys.includes(key)) {
      return original(headers, { ...appSyncConfig, apiKey: key });
    }
    return original(headers, appSyncConfig);
  };
}

/**
 * The simulator calls http.createServer(app).listen(port) on every interface. Wrap
 * createServer while the simulator is constructed so the one server it makes listens
 * on 127.0.0.1 (and on a kernel-chosen port when port 0 was asked for).
 */
function constructLoopbackSimulator(AmplifyAppSyncSimulator, port) {
  const created = [];
  const originalCreateServer = http.createServer;
  http.createServer = function createLoopbackServer(...args) {
    const server = originalCreateServer.apply(this, args);
    const originalListen = server.listen;
    server.listen = function listenOnLoopback(requestedPort) {
      const listenPort = port === 0 ? 0 : requestedPort;
      return originalListen.call(this, { port: listenPort, host: HOST });
    };
    created.push(server);
    return server;
  };
  let simulator;
  try {
    simulator = new AmplifyAppSyncSimulator({ port });
  } finally {
    http.createServer = originalCreateServer;
  }
  if (created.length !== 1) {
    fail(`expected the simulator to create one HTTP server, saw ${created.length}; cannot bind ${HOST}`);
  }
  return { simulator, httpServer: created[0] };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { port, apiKeys, simulatorConfig } = buildConfig(opts);
  let AmplifyAppSyncSimulator;
  try {
    ({ AmplifyAppSyncSimulator } = require(SIMULATOR_PACKAGE));
  } catch (e) {
    fail(`cannot load ${SIMULATOR_PACKAGE} (run "npm ci --prefix simulator"): ${e.message}`);
  }
  acceptApiKeys(apiKeys);

  const { simulator, httpServer } = constructLoopbackSimulator(AmplifyAppSyncSimulator, port);
  try {
    simulator.init(simulatorConfig);
  } catch (e) {
    fail(`invalid simulator config: ${e.stack || e}`);
  }
  await simulator.start();
  const address = httpServer.address();
  if (!address || address.address !== HOST) {
    fail(`simulator is not bound to ${HOST}: ${JSON.stringify(address)}`);
  }

  let stopping = false;
  const shutdown = async (why) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`appsync-simulator: stopping (${why})\n`);
    setTimeout(() => process.exit(0), 3000).unref();
    try {
      await simulator.stop();
      if (httpServer.closeAllConnections) httpServer.closeAllConnections();
    } catch (e) {
      process.stderr.write(`appsync-simulator: error while stopping: ${e}\n`);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (opts.exitWithStdin) {
    process.stdin.on('end', () => shutdown('stdin closed'));
    process.stdin.on('error', () => shutdown('stdin error'));
    process.stdin.resume();
  }

  const base = `${HOST}:${address.port}`;
  const ready = {
    url: `http://${base}/graphql`,
    realtime_url: `ws://${base}/graphql/realtime`,
    host: HOST,
    port: address.port,
    pid: process.pid,
  };
  writeStdout(`${READY_MARKER} ${JSON.stringify(ready)}\n`);
}

main().catch((e) => fail(`failed to start: ${(e && e.stack) || e}`));
