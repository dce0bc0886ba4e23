/** The admin-cli executable: runs the program on the process's arguments and exits with its code. */
import { run } from "./program.ts";

process.exitCode = await run(process.argv.slice(2));
