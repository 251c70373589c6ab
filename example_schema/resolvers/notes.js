/*
 * In-memory "Lambda" behind every resolver of the example notes API.
 *
 * The simulator calls `handler(event)` in-process with the payload built by
 * invoke.req.vtl: {typeName, fieldName, arguments, source, identity}. The handler
 * answers with an envelope that invoke.res.vtl unpacks:
 *   {"data": <field value>}                                    on success
 *   {"error": {"message", "type", "data", "info"}}             for a domain error,
 * which the response template raises with $util.error(message, type, data, info).
 * Union and interface results carry __typename, as AppSync resolvers must.
 *
 * State lives in this module for the life of the simulator process; it starts from
 * the seed data below so queries return something right after start.
 */
'use strict';

const crypto = require('crypto');

const MAX_PAGE = 100;

const authors = new Map();
const notes = new Map();
const comments = new Map();

function seed() {
  const seedAuthors = [
    {
      id: 'author-1',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+12065550100',
      homepage: 'https://example.com/people/ada',
      joinedOn: '2023-01-15',
      lastLoginIp: '203.0.113.10',
    },
    {
      id: 'author-2',
      name: 'Grace Hopper',
      email: 'grace@example.com',
      phone: null,
      homepage: null,
      joinedOn: '2023-06-01',
      lastLoginIp: '2001:db8::42',
    },
  ];
  const seedNotes = [
    {
      id: 'note-1',
      title: 'Welcome to team notes',
      body: 'Read this first: how we **write** and share notes.',
      status: 'PUBLISHED',
      priority: 'HIGH',
      tags: ['onboarding', 'handbook'],
      checklist: [['read the handbook', 'set up MFA'], ['say hello']],
      authorId: 'author-1',
      dueDate: '2024-05-10',
      reminderTime: '09:00:00Z',
      scheduledAt: '2024-05-01T12:30:00.123Z',
      expiresAt: 1767225600,
      contactEmail: 'team@example.com',
      contactPhone: '+12065550100',
      link: 'https://example.com/handbook',
      metadata: { color: 'blue', pinnedBy: ['author-1'], revision: 3 },
      sourceIp: '198.51.100.7',
      createdAt: '2024-05-01T12:30:00.123Z',
      updatedAt: '2024-05-01T12:30:00.123Z',
      version: 1,
      moderationNotes: 'Reviewed by the moderators on 2024-05-02.',
    },
    {
      id: 'note-2',
      title: 'Sprint 12 retro',
      body: 'What went well, what did not, and what we try next sprint.',
      status: 'DRAFT',
      priority: 'MEDIUM',
      tags: ['retro', 'sprint-12'],
      checklist: null,
      authorId: 'author-2',
      dueDate: '2024-05-17',
      reminderTime: '16:30:00.250Z',
      scheduledAt: null,
      expiresAt: null,
      contactEmail: null,
      contactPhone: null,
      link: null,
      metadata: null,
      sourceIp: null,
      createdAt: '2024-05-03T08:00:00Z',
      updatedAt: '2024-05-03T08:15:42.5Z',
      version: 2,
      moderationNotes: null,
    },
    {
      id: 'note-3',
      title: 'Old release checklist',
      body: 'Superseded by the release handbook.',
      status: 'ARCHIVED',
      priority: 'LOW',
      tags: ['release'],
      checklist: [['tag', 'build', 'publish']],
      authorId: 'author-1',
      dueDate: null,
      reminderTime: null,
      scheduledAt: null,
      expiresAt: null,
      contactEmail: null,
      contactPhone: null,
      link: null,
      metadata: { legacy: true },
      sourceIp: null,
      createdAt: '2023-11-20T17:45:10.000001Z',
      updatedAt: '2023-11-20T17:45:10.000001Z',
      version: 1,
      moderationNotes: null,
    },
  ];
  const seedComments = [
    {
      id: 'comment-1',
      noteId: 'note-1',
      body: 'Thanks, the MFA step saved me an hour.',
      authorId: 'author-2',
      createdAt: '2024-05-01T13:00:00Z',
    },
    {
      id: 'comment-2',
      noteId: 'note-1',
      body: 'Added the handbook link.',
      authorId: 'author-1',
      createdAt: '2024-05-01T13:05:00.5Z',
    },
  ];
  for (const a of seedAuthors) authors.set(a.id, a);
  for (const n of seedNotes) notes.set(n.id, n);
  for (const c of seedComments) comments.set(c.id, c);
}
seed();

class DomainError extends Error {
  constructor(message, type, { data = null, info = null } = {}) {
    super(message);
    this.type = type;
    this.data = data;
    this.info = info;
  }
}

const now = () => new Date().toISOString();
const newId = (prefix) => `${prefix}-${crypto.randomUUID()}`;
const clone = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

function presentAuthor(author) {
  return author ? { ...author } : null;
}

function presentNote(note) {
  if (!note) return null;
  return {
    __typename: 'Note',
    ...clone(note),
    author: presentAuthor(authors.get(note.authorId)),
    pinned: note.priority === 'URGENT',
  };
}

function presentComment(comment) {
  if (!comment) return null;
  return { __typename: 'Comment', ...clone(comment), author: presentAuthor(authors.get(comment.authorId)) };
}

/** AppSync gives identity.sourceIp as a list of addresses; the simulator as one string. */
function sourceIpOf(identity) {
  const ip = Array.isArray(identity.sourceIp) ? identity.sourceIp[0] : identity.sourceIp;
  return typeof ip === 'string' && ip ? ip.replace(/^::ffff:/, '') : null;
}

/** The caller as an author: Cognito and OIDC identities become (or find) authors. */
function callerAuthor(identity, { create }) {
  if (!identity || !identity.sub) return null;
  const existing = authors.get(identity.sub);
  if (existing || !create) return existing || null;
  const claims = identity.claims || {};
  const username = identity.username || claims['cognito:username'] || claims.preferred_username || identity.sub;
  const author = {
    id: identity.sub,
    name: claims.name || username,
    email: claims.email || `${String(username).replace(/[^A-Za-z0-9._-]/g, '') || 'user'}@example.com`,
    phone: claims.phone_number || null,
    homepage: null,
    joinedOn: now().slice(0, 10),
    lastLoginIp: sourceIpOf(identity),
  };
  authors.set(author.id, author);
  return author;
}

function encodeToken(offset) {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeToken(token) {
  if (token === null || token === undefined) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Number.isInteger(offset) && offset >= 0) return offset;
  } catch (_) {
    // fall through
  }
  throw new DomainError('The nextToken is invalid or expired.', 'InvalidNextToken', { info: { nextToken: token } });
}

function page(items, limit, nextToken) {
  const size = limit === null || limit === undefined ? 10 : limit;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
    throw new DomainError(`limit must be between 1 and ${MAX_PAGE}.`, 'InvalidLimit', { info: { limit: size } });
  }
  const offset = decodeToken(nextToken);
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? encodeToken(offset + size) : null;
  return { items: slice, nextToken: next };
}

const byCreated = (a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1);

function matchesFilter(note, filter) {
  if (!filter) return note.status !== 'ARCHIVED';
  if (filter.status) {
    if (note.status !== filter.status) return false;
  } else if (note.status === 'ARCHIVED') {
    return false;
  }
  if (filter.priority && note.priority !== filter.priority) return false;
  if (filter.tag && !note.tags.includes(filter.tag)) return false;
  if (filter.authorId && note.authorId !== filter.authorId) return false;
  if (filter.dueBefore && !(note.dueDate && note.dueDate <= filter.dueBefore)) return false;
  if (filter.createdAfter && Date.parse(note.createdAt) < Date.parse(filter.createdAfter)) return false;
  return true;
}

const NOTE_FIELDS = [
  'title',
  'body',
  'status',
  'priority',
  'tags',
  'checklist',
  'dueDate',
  'reminderTime',
  'scheduledAt',
  'expiresAt',
  'contactEmail',
  'contactPhone',
  'link',
  'metadata',
  'sourceIp',
];
const REQUIRED_NOTE_FIELDS = new Set(['title', 'status', 'priority', 'tags']);

function requireNote(id) {
  const note = notes.get(id);
  if (!note) throw new DomainError(`Note ${id} does not exist.`, 'NoteNotFound', { info: { id } });
  return note;
}

const resolvers = {
  Query: {
    getNote: ({ id }) => presentNote(notes.get(id)),
    node: ({ id }) => presentNote(notes.get(id)) || presentComment(comments.get(id)),
    listNotes: ({ filter, limit, nextToken, sortDirection }) => {
      const matching = Array.from(notes.values()).filter((n) => matchesFilter(n, filter)).sort(byCreated);
      if (sortDirection !== 'ASC') matching.reverse();
      const result = page(matching, limit, nextToken);
      return { items: result.items.map(presentNote), nextToken: result.nextToken };
    },
    search: ({ text, kinds, limit }) => {
      const needle = String(text).toLowerCase();
      const wanted = kinds && kinds.length ? kinds : ['NOTE', 'COMMENT'];
      const hits = [];
      if (wanted.includes('NOTE')) {
        for (const n of Array.from(notes.values()).sort(byCreated)) {
          if ([n.title, n.body || '', ...n.tags].join('\n').toLowerCase().includes(needle)) hits.push(presentNote(n));
        }
      }
      if (wanted.includes('COMMENT')) {
        for (const c of Array.from(comments.values()).sort(byCreated)) {
          if (c.body.toLowerCase().includes(needle)) hits.push(presentComment(c));
        }
      }
      return hits.slice(0, limit === null || limit === undefined ? 20 : limit);
    },
    notesByTagGroups: ({ tagGroups }) =>
      tagGroups.map((group) =>
        Array.from(notes.values())
          .filter((n) => n.tags.some((t) => group.includes(t)))
          .sort(byCreated)
          .map(presentNote),
      ),
    me: (_args, { identity }) => presentAuthor(callerAuthor(identity, { create: true })),
  },
  Mutation: {
    createNote: ({ input }, { identity }) => {
      const author = input.authorId
        ? authors.get(input.authorId)
        : callerAuthor(identity, { create: true }) || authors.get('author-1');
      if (!author) {
        throw new DomainError(`Author ${input.authorId} does not exist.`, 'AuthorNotFound', {
          info: { authorId: input.authorId },
        });
      }
      const stamp = now();
      const note = {
        id: newId('note'),
        authorId: author.id,
        createdAt: stamp,
        updatedAt: stamp,
        version: 1,
        moderationNotes: null,
      };
      for (const field of NOTE_FIELDS) note[field] = clone(input[field]);
      note.status = note.status || 'DRAFT';
      note.priority = note.priority || 'MEDIUM';
      note.tags = note.tags || [];
      notes.set(note.id, note);
      return presentNote(note);
    },
    updateNote: ({ input }) => {
      const note = requireNote(input.id);
      if (input.expectedVersion !== note.version) {
        throw new DomainError(
          `Note ${note.id} was changed by someone else: expected version ${input.expectedVersion}, current version ${note.version}.`,
          'NoteVersionConflict',
          {
            data: presentNote(note),
            info: { noteId: note.id, expectedVersion: input.expectedVersion, currentVersion: note.version },
          },
        );
      }
      for (const field of NOTE_FIELDS) {
        if (!(field in input)) continue;
        if (input[field] === null && REQUIRED_NOTE_FIELDS.has(field)) continue;
        note[field] = clone(input[field]);
      }
      note.version += 1;
      note.updatedAt = now();
      return presentNote(note);
    },
    deleteNote: ({ input }) => {
      const note = requireNote(input.id);
      notes.delete(note.id);
      for (const [id, c] of comments) if (c.noteId === note.id) comments.delete(id);
      return presentNote(note);
    },
    addComment: ({ input }, { identity }) => {
      requireNote(input.noteId);
      const author = callerAuthor(identity, { create: true }) || authors.get('author-1');
      const comment = {
        id: newId('comment'),
        noteId: input.noteId,
        body: input.body,
        authorId: author.id,
        createdAt: now(),
      };
      comments.set(comment.id, comment);
      return presentComment(comment);
    },
  },
  Note: {
    comments: ({ limit, nextToken }, { source }) => {
      const items = Array.from(comments.values()).filter((c) => c.noteId === source.id).sort(byCreated);
      const result = page(items, limit === null || limit === undefined ? 20 : limit, nextToken);
      return { items: result.items.map(presentComment), nextToken: result.nextToken };
    },
  },
};

/** Lambda-style entry point: one event per resolver invocation. */
async function handler(event) {
  const { typeName, fieldName } = event;
  const resolve = resolvers[typeName] && resolvers[typeName][fieldName];
  if (!resolve) {
    throw new Error(`No resolver for ${typeName}.${fieldName}`);
  }
  try {
    const data = resolve(event.arguments || {}, { identity: event.identity || null, source: event.source || null });
    return { data: data === undefined ? null : data };
  } catch (e) {
    if (e instanceof DomainError) {
      return { error: { message: e.message, type: e.type, data: e.data, info: e.info } };
    }
    throw e;
  }
}

module.exports = { handler };
