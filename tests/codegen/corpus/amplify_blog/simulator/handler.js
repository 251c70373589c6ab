/* The blog API's resolvers on the simulator: Amplify-style tables (see simulator_lib). */
'use strict';

const { createTables } = require('../../simulator_lib/amplify_tables');

const { handler } = createTables({
  Blog: { connections: { posts: { model: 'Post', key: 'blogPostsId', many: true } } },
  Post: {
    connections: {
      blog: { model: 'Blog', key: 'blogPostsId', many: false },
      comments: { model: 'Comment', key: 'postCommentsId', many: true },
    },
  },
  Comment: { connections: { post: { model: 'Post', key: 'postCommentsId', many: false } } },
});

module.exports = { handler };
