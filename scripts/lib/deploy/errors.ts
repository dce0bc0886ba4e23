/** Why `npm run deploy` refuses to go on: one error class, its cause as a code callers switch on. */

export type DeployErrorCode =
  /** a wrangler config lacks what the deploy needs (a name, a KV id that ties the Workers' bindings together) */
  | "CONFIG_INVALID"
  /** a wrangler config uses a feature the generated deploy config cannot carry over */
  | "CONFIG_UNSUPPORTED"
  /** the Workers bind each other's Durable Objects or services in a circle: no deploy order exists */
  | "WORKER_CYCLE"
  /** a secret given in the environment is not of the form the Workers read */
  | "SECRET_INVALID"
  /** a shared secret is set on some Workers and not others; Cloudflare cannot give it back to copy it */
  | "SECRET_PARTIAL"
  /** wrangler has no Cloudflare credentials (no `wrangler login`, no CLOUDFLARE_API_TOKEN) */
  | "NOT_AUTHENTICATED"
  /** wrangler answered something the deploy cannot read */
  | "WRANGLER_OUTPUT"
  /** a command-line argument the deploy does not know */
  | "USAGE";

export class DeployError extends Error {
  readonly code: DeployErrorCode;
  constructor(code: DeployErrorCode, message: string) {
    super(message);
    this.name = "DeployError";
    this.code = code;
  }
}
