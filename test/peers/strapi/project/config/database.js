// SQLite through better-sqlite3, one fresh file per run (DATABASE_FILENAME in the run's temporary folder).
module.exports = ({ env }) => ({
  connection: {
    client: "sqlite",
    connection: { filename: env("DATABASE_FILENAME") },
    useNullAsDefault: true,
  },
});
