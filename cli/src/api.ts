/**
 * The admin API's answers as the CLI reads them: types inferred from the platform's own zod schemas
 * (api/src/admin/answers: plain zod, no Workers code), which the OpenAPI document is generated from too,
 * so the CLI cannot drift from what the API answers. Type-only: nothing of it lands in the CLI's bundle.
 * `--json` prints the answers whole.
 */
import type { InstallPlan, TransitionPlan } from "../../api/src/admin/answers/index.ts";

export type { Permissions } from "@digital-commerce/plugin-sdk";
export type {
  AvailableView as AvailablePlugin,
  ChainTrace,
  ConfigChange,
  ConfigView,
  CreatedEndpoint,
  DeadLetterView as DeadLetter,
  Delivery,
  DeliveryAttempt,
  DependenciesView,
  DependencyNode,
  EndpointView as WebhookEndpoint,
  EventView,
  HealthView,
  HookRunResult,
  InstallationView as Installation,
  InstalledEntry,
  InstallResult,
  PermissionChanges,
  PluginDetails,
  PluginState,
  PublishResult as Published,
  PurgeResult,
  ReplayResult,
  RollbackPlan,
  RotatedSecret,
  TraceStep,
  TraceView,
  TransitionResult,
  UpgradePlan,
  VersionChangeResult,
  VersionStep,
  WebhookAttempt,
  WebhookDelivery,
  WebhookReplayResult,
  WhoAmI,
} from "../../api/src/admin/answers/index.ts";

/**
 * `?dry_run=true`: what the call would do, refused exactly as it would be, nothing changed. One type for
 * the install plan and the transition plan, because the CLI asks for either through the same helper.
 */
export type DryRun = { dry_run: true } & Partial<Pick<InstallPlan, "installed"> & Pick<TransitionPlan, "changed">>;
