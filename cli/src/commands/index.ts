/** Every command, in the order --help lists them. */
import type { Command } from "commander";
import { registerLogin } from "./login.ts";

export const commands: ((program: Command) => void)[] = [registerLogin];
