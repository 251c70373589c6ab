/*
 * In-memory tables behaving like the resolvers Amplify's GraphQL transformer generates,
 * for corpus entries run on the AppSync simulator (tests/codegen/test_corpus.py).
 *
 * The simulator invokes a "Lambda" with {typeName, fieldName, arguments, source}
 * (resolvers/invoke.req.vtl); the handler answers {data} or {error: {message, type}},
 * which invoke.res.vtl turns into the field's value or $util.error(message, type).
 *
 * Supported, as Amplify's resolvers do it:
 * - getX(id), listX(filter, limit, nextToken), createX(input, condition),
 *   updateX(input, condition), deleteX(input, condition), and has-many / belongs-to
 *   connection fields;
 * - filters and conditions: eq ne lt le gt ge beginsWith contains notContains between
 *   in notIn attributeExists attributeType (including `_null`), size, and / or / not;
 * - with `versioned: true` (DataStore conflict detection): _version, _deleted,
 *   _lastChangedAt, syncX(filter, limit, nextToken, lastSync) with startedAt, a stale
 *   _version refused with ConflictUnhandled, deletes kept as tombstones.
 *
 * AWSTimestamp is a 32-bit Int in the simulator, so _lastChangedAt counts seconds from
 * a logical clock (strictly increasing) instead of DataStore's milliseconds.
 */
'use strict';

const crypto = require('crypto');

class ResolverError extends Error {
  constructor(message, type) {
    super(message);
    this.type = type;
  }
}

const isMissing = (value) => value === undefined || value === null;

function attributeTypeOf(value) {
  if (isMissing(value)) return '_null';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  return 'string';
}

function compare(a, b) {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** One field's Amplify filter input ({eq, beginsWith, attributeType, ...}) against a value. */
function matchesOperators(value, ops) {
  for (const [op, expected] of Object.entries(ops)) {
    if (expected === null || expected === undefined) continue;
    switch (op) {
      case 'eq':
        if (Array.isArray(expected) ? JSON.stringify(value) !== JSON.stringify(expected) : value !== expected) return false;
        break;
      case 'ne':
        if (Array.isArray(expected) ? JSON.stringify(value) === JSON.stringify(expected) : value === expected) return false;
        break;
      case 'lt':
        if (isMissing(value) || compare(value, expected) >= 0) return false;
        break;
      case 'le':
        if (isMissing(value) || compare(value, expected) > 0) return false;
        break;
      case 'gt':
        if (isMissing(value) || compare(value, expected) <= 0) return false;
        break;
      case 'ge':
        if (isMissing(value) || compare(value, expected) < 0) return false;
        break;
      case 'between':
        if (isMissing(value) || compare(value, expected[0]) < 0 || compare(value, expected[1]) > 0) return false;
        break;
      case 'beginsWith':
        if (typeof value !== 'string' || !value.startsWith(expected)) return false;
        break;
      case 'contains':
        if (isMissing(value) || !value.includes(expected)) return false;
        break;
      case 'notContains':
        if (!isMissing(value) && value.includes(expected)) return false;
        break;
      case 'in':
        if (!expected.includes(value)) return false;
        break;
      case 'notIn':
        if (expected.includes(value)) return false;
        break;
      case 'attributeExists':
        if (expected === isMissing(value)) return false;
        break;
      case 'attributeType':
        if (attributeTypeOf(value) !== expected) return false;
        break;
      case 'size':
        if (isMissing(value) || !matchesOperators(value.length, expected)) return false;
        break;
      default:
        throw new ResolverError(`unsupported filter operator ${op}`, 'UnsupportedOperator');
    }
  }
  return true;
}

/** An Amplify filter or condition input against an item. */
function matches(item, filter) {
  if (!filter) return true;
  for (const [key, value] of Object.entries(filter)) {
    if (value === null || value === undefined) continue;
    if (key === 'and') {
      if (!value.every((part) => matches(item, part))) return false;
    } else if (key === 'or') {
      if (!value.some((part) => matches(item, part))) return false;
    } else if (key === 'not') {
      if (matches(item, value)) return false;
    } else if (!matchesOperators(item[key], value)) {
      return false;
    }
  }
  return true;
}

function encodeToken(offset) {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeToken(token) {
  if (isMissing(token)) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Number.isInteger(offset) && offset >= 0) return offset;
  } catch (_) {
    // fall through
  }
  throw new ResolverError('Invalid nextToken', 'InvalidNextToken');
}

function page(items, limit, nextToken) {
  const size = isMissing(limit) ? 100 : limit;
  const offset = decodeToken(nextToken);
  const slice = items.slice(offset, offset + size);
  return { items: slice, nextToken: offset + size < items.length ? encodeToken(offset + size) : null };
}

const copy = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));
const byCreated = (a, b) => compare(a.createdAt, b.createdAt) || compare(a.id, b.id);

/**
 * Tables for `models`: {Name: {fields: [...input fields kept], connections: {field:
 * {model, key, many}}}}. `versioned` turns DataStore conflict detection on.
 */
function createTables(models, { versioned = false, seed = {} } = {}) {
  const tables = Object.fromEntries(Object.keys(models).map((name) => [name, new Map()]));
  let clock = 1700000000;
  let sequence = 0;
  const tick = () => {
    clock = Math.max(clock + 1, Math.floor(Date.now() / 1000));
    return clock;
  };
  const now = () => {
    // Distinct, increasing timestamps so that "oldest first" is the creation order.
    sequence += 1;
    const base = Date.now();
    return new Date(base + sequence).toISOString();
  };

  function present(name, item) {
    if (!item) return null;
    return { __typename: name, ...copy(item) };
  }

  function put(name, input) {
    const stamp = now();
    const item = { createdAt: stamp, updatedAt: stamp, ...copy(input), id: input.id || crypto.randomUUID() };
    if (versioned) {
      item._version = 1;
      item._deleted = null;
      item._lastChangedAt = tick();
    }
    tables[name].set(item.id, item);
    return item;
  }

  for (const [name, items] of Object.entries(seed)) {
    for (const item of items) put(name, item);
  }

  function checkCondition(item, condition) {
    if (condition && !matches(item, condition)) {
      throw new ResolverError('The conditional request failed', 'DynamoDB:ConditionalCheckFailedException');
    }
  }

  function checkVersion(name, item, input) {
    if (!versioned) return;
    if (input._version !== item._version) {
      throw new ResolverError(
        `Conflict resolver rejects mutation: ${name} ${item.id} is at _version ${item._version}, not ${input._version}`,
        'ConflictUnhandled',
      );
    }
  }

  const ops = {
    get(name, { id }) {
      const item = tables[name].get(id);
      return present(name, item);
    },
    list(name, { filter, limit, nextToken }) {
      const items = Array.from(tables[name].values()).filter((item) => matches(item, filter)).sort(byCreated);
      const result = page(items, limit, nextToken);
      const connection = { items: result.items.map((item) => present(name, item)), nextToken: result.nextToken };
      if (versioned) connection.startedAt = null;
      return connection;
    },
    sync(name, { filter, limit, nextToken, lastSync }) {
      const startedAt = clock;
      const items = Array.from(tables[name].values())
        .filter((item) => isMissing(lastSync) || item._lastChangedAt > lastSync)
        .filter((item) => matches(item, filter))
        .sort((a, b) => compare(a._lastChangedAt, b._lastChangedAt) || compare(a.id, b.id));
      const result = page(items, limit, nextToken);
      return { items: result.items.map((item) => present(name, item)), nextToken: result.nextToken, startedAt };
    },
    create(name, { input, condition }) {
      if (input.id && tables[name].has(input.id)) {
        throw new ResolverError('The conditional request failed', 'DynamoDB:ConditionalCheckFailedException');
      }
      checkCondition({}, condition);
      const fields = { ...input };
      delete fields._version;
      return present(name, put(name, fields));
    },
    update(name, { input, condition }) {
      const item = tables[name].get(input.id);
      if (!item || item._deleted) {
        throw new ResolverError('The conditional request failed', 'DynamoDB:ConditionalCheckFailedException');
      }
      checkCondition(item, condition);
      checkVersion(name, item, input);
      for (const [key, value] of Object.entries(input)) {
        if (key !== 'id' && key !== '_version' && value !== undefined) item[key] = copy(value);
      }
      item.updatedAt = now();
      if (versioned) {
        item._version += 1;
        item._lastChangedAt = tick();
      }
      return present(name, item);
    },
    delete(name, { input, condition }) {
      const item = tables[name].get(input.id);
      if (!item || item._deleted) {
        throw new ResolverError('The conditional request failed', 'DynamoDB:ConditionalCheckFailedException');
      }
      checkCondition(item, condition);
      checkVersion(name, item, input);
      if (versioned) {
        item._deleted = true;
        item._version += 1;
        item._lastChangedAt = tick();
        item.updatedAt = now();
        return present(name, item);
      }
      tables[name].delete(item.id);
      return present(name, item);
    },
  };

  /** The resolver for typeName.fieldName, following Amplify's field naming. */
  function resolve(typeName, fieldName, args, source) {
    if (typeName === 'Query' || typeName === 'Mutation') {
      const match = /^(get|list|sync|create|update|delete)([A-Z]\w*)$/.exec(fieldName);
      if (match) {
        const [, verb, rest] = match;
        const name = Object.keys(models).find((model) => rest === model || rest === `${model}s`);
        if (name) return ops[verb](name, args);
      }
    } else if (models[typeName] && models[typeName].connections[fieldName]) {
      const { model, key, many } = models[typeName].connections[fieldName];
      if (many) {
        const filter = { and: [{ [key]: { eq: source.id } }, ...(args.filter ? [args.filter] : [])] };
        const items = Array.from(tables[model].values()).filter((item) => matches(item, filter)).sort(byCreated);
        if (args.sortDirection === 'DESC') items.reverse();
        const result = page(items, args.limit, args.nextToken);
        return { items: result.items.map((item) => present(model, item)), nextToken: result.nextToken };
      }
      return present(model, tables[model].get(source[key]));
    }
    throw new ResolverError(`No resolver for ${typeName}.${fieldName}`, 'NoResolver');
  }

  /** The Lambda entry point for invoke.req.vtl's payload. */
  async function handler(event) {
    try {
      const data = resolve(event.typeName, event.fieldName, event.arguments || {}, event.source || {});
      return { data: data === undefined ? null : data };
    } catch (e) {
      if (e instanceof ResolverError) return { error: { message: e.message, type: e.type } };
      throw e;
    }
  }

  return { handler, tables };
}

module.exports = { createTables, matches };
