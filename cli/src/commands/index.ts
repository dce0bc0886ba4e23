/** Every command, in the order --help lists them. */
import type { Command } from "commander";
import { registerAddHook } from "./add-hook.ts";
import { registerBuild } from "./build.ts";
import { registerConfig } from "./config.ts";
import { registerDependencies } from "./dependencies.ts";
import { registerDev } from "./dev.ts";
import { registerDlq } from "./dlq.ts";
import { registerHealth } from "./health.ts";
import { registerHooks } from "./hooks.ts";
import { registerLogin } from "./login.ts";
import { registerPlugins } from "./plugins.ts";
import { registerPublish } from "./publish.ts";
import { registerQuotas } from "./quotas.ts";
import { registerScaffold } from "./scaffold.ts";
import { registerTrace } from "./trace.ts";
import { registerUpgrade } from "./upgrade.ts";
import { registerValidate } from "./validate.ts";
import { registerWebhooks } from "./webhooks.ts";

export const commands: ((program: Command) => void)[] = [
  registerLogin,
  // development, offline (dev and hooks run reach the platform)
  registerScaffold,
  registerAddHook,
  registerValidate,
  registerBuild,
  registerDev,
  registerHooks,
  // operations, against the admin API
  registerPublish,
  registerPlugins,
  registerUpgrade,
  registerConfig,
  registerDependencies,
  registerHealth,
  registerQuotas,
  registerTrace,
  registerDlq,
  registerWebhooks,
];
