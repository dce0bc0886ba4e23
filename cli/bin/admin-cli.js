#!/usr/bin/env node
// The installed entry point: the CLI built by `npm run build -w admin-cli` (cli/dist).
import "../dist/admin-cli.js";
