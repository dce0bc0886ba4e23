// No optional plugins: content is reached with the API token alone (no users-permissions).
module.exports = () => ({});
