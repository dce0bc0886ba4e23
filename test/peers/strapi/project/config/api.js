// REST defaults: pages of 25, never more than 100 entries an answer.
module.exports = {
  rest: { defaultLimit: 25, maxLimit: 100, withCount: true },
};
