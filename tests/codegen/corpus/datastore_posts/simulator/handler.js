/* The DataStore API's resolvers on the simulator: Amplify-style tables with conflict
 * detection (_version, _deleted, _lastChangedAt, syncX), seeded with a few records. */
'use strict';

const { createTables } = require('../../simulator_lib/amplify_tables');

const tags = (published) => ({ tags: { published, metadata: { tags: { published: !published } } } });

const { handler } = createTables(
  {
    Post: { connections: {} },
    Author: { connections: {} },
    Require: { connections: {} },
    Comment: { connections: {} },
  },
  {
    versioned: true,
    seed: {
      Post: [
        { id: 'post-1', title: 'A New Hope', episode: 'NEWHOPE', appearsIn: ['NEWHOPE'], metadata: tags(true) },
        { id: 'post-2', title: 'The Empire Strikes Back', episode: 'EMPIRE', appearsIn: ['EMPIRE', 'JEDI'] },
        { id: 'post-3', title: 'Return of the Jedi', episode: 'JEDI', appearsIn: ['JEDI'], entityMetadata: { isActive: false } },
      ],
      Author: [{ id: 'author-1', name: 'George', entityMetadata: { isActive: true } }],
      Comment: [{ id: 'comment-1', title: 'First', content: 'Seen it', updatedOn: 3, createdOn: '2024-01-02T03:04:05.000Z' }],
    },
  },
);

module.exports = { handler };
