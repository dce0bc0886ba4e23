// The people who can sign in at the OIDC peer, and the claims it states about them, shaped like Google's.
import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * One account. `hd` is Google's hosted-domain claim, sent only for Google Workspace accounts
 * (https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload); leave
 * it out for a consumer account. `sub` defaults to a stable numeric id derived from the email, as
 * Google's subjects are numeric strings that never change with the email.
 */
export const OidcAccountSchema = z.object({
  email: z.email(),
  email_verified: z.boolean(),
  name: z.string().min(1),
  hd: z.string().min(1).optional(),
  sub: z.string().min(1).optional(),
});
export type OidcAccountInput = z.input<typeof OidcAccountSchema>;
export type OidcAccount = Required<Pick<z.output<typeof OidcAccountSchema>, "sub">> &
  Omit<z.output<typeof OidcAccountSchema>, "sub">;

/** The accounts every peer has unless its options replace them. */
export const defaultAccounts: readonly OidcAccountInput[] = [
  { email: "ada@example.com", email_verified: true, name: "Ada Lovelace", hd: "example.com" },
  { email: "unverified@example.com", email_verified: false, name: "Una Verified", hd: "example.com" },
  { email: "eve@other.test", email_verified: true, name: "Eve Outsider", hd: "other.test" },
  { email: "grace@gmail.test", email_verified: true, name: "Grace Consumer" },
];

function numericSubject(email: string): string {
  // 21 digits like Google's, from the email so that restarts keep each account's subject
  const digest = createHash("sha256").update(email.toLowerCase()).digest();
  return `1${digest.readBigUInt64BE(0).toString().padStart(20, "0").slice(0, 20)}`;
}

/** Accounts indexed by subject and by email (case-insensitively), validated. */
export class AccountBook {
  readonly #bySub = new Map<string, OidcAccount>();
  readonly #byEmail = new Map<string, OidcAccount>();

  constructor(inputs: readonly OidcAccountInput[]) {
    inputs.forEach((input, i) => {
      const parsed = OidcAccountSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new TypeError(`accounts[${i}].${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid account"}`);
      }
      const account = { ...parsed.data, sub: parsed.data.sub ?? numericSubject(parsed.data.email) };
      const email = account.email.toLowerCase();
      if (this.#byEmail.has(email)) throw new TypeError(`accounts[${i}].email: "${account.email}" is listed twice`);
      if (this.#bySub.has(account.sub)) throw new TypeError(`accounts[${i}].sub: "${account.sub}" is listed twice`);
      this.#byEmail.set(email, account);
      this.#bySub.set(account.sub, account);
    });
  }

  bySubject(sub: string): OidcAccount | undefined {
    return this.#bySub.get(sub);
  }

  byEmail(email: string): OidcAccount | undefined {
    return this.#byEmail.get(email.toLowerCase());
  }

  list(): OidcAccount[] {
    return [...this.#bySub.values()];
  }
}
