/**
 * Sign-in and sign-out through the store's auth plugin. The client's credentials go to the
 * plugin's authenticate as they are; hooks see only the provider, the identifier and metadata,
 * never a password, because hook payloads reach other plugins and the outbox.
 */
import { authResultSchema, type User } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { describeIssues, fieldIssues } from "../errors/index.ts";
import { analyticsEvent, type HookRun, notification, runBeforeHooks } from "../hooks/index.ts";
import { callPluginMethod, SandboxError } from "../sandbox/index.ts";
import { CommerceError } from "./errors.ts";
import { activeProvider } from "./providers.ts";
import type { SessionView, UserView } from "./schemas.ts";
import { commit, defined, guard, newId, now } from "./store.ts";
import { createUser, findUserByEmail, normalizeEmail } from "./users.ts";

const sessionRow = z.object({
  id: z.string(),
  provider: z.string(),
  provider_user_id: z.string(),
  user_id: z.string().nullable(),
  email: z.string(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

/** Who signs in, as hooks may see it: an email, a username or an explicit identifier, never a secret. */
function identifierOf(credentials: Record<string, unknown>): string | undefined {
  for (const key of ["identifier", "email", "username"]) {
    const value = credentials[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

const looksLikeEmail = (value: string | undefined): value is string => z.email().safeParse(value).success;

/** The signed-in user as user hooks see it: the store's user when one has the email, else the provider's. */
function sessionUser(session: SessionView, name?: string): User {
  return defined({
    id: session.user_id ?? undefined,
    email: session.email,
    name,
    metadata: { provider: session.provider, provider_user_id: session.provider_user_id },
  });
}

export interface SignInInput {
  provider?: string;
  credentials: Record<string, unknown>;
  /**
   * A first sign-in makes the store's user of that email (before_user_create, after_user_create):
   * what a browser sign-in through an auth plugin's endpoint does (the sessions capability), so a
   * shopper who signs in with their provider becomes the store's customer.
   */
  enroll?: boolean;
}

export interface SignedIn {
  session: SessionView;
  user: { id: string; email?: string; name?: string; roles?: string[] };
  token: string;
  refresh_token?: string;
  expires_at?: string;
}

/** The store's user for a first sign-in; a concurrent first sign-in of the same email made it already: that one. */
async function enrolled(
  run: HookRun,
  email: string,
  name: string | undefined,
  provider: string,
  providerUserId: string,
): Promise<UserView | null> {
  try {
    return await createUser(run, defined({ email, name, metadata: { provider, provider_user_id: providerUserId } }));
  } catch (error) {
    if (error instanceof CommerceError && error.code === "EMAIL_TAKEN") {
      return await findUserByEmail(run.db, run.tenantId, email);
    }
    throw error;
  }
}

export async function signIn(run: HookRun, input: SignInInput): Promise<SignedIn> {
  const target = await activeProvider(run, "auth", input.provider);
  const hooked = await runBeforeHooks(run, "before_authenticate", {
    credentials: defined({ provider: target.slug, identifier: identifierOf(input.credentials), metadata: {} }),
  });
  const credentials = { ...hooked.credentials, provider: target.slug };
  // what hooks added travels along as metadata; the secret parts come from the client only
  const forPlugin =
    Object.keys(credentials.metadata).length > 0
      ? { ...input.credentials, metadata: credentials.metadata }
      : input.credentials;
  const raw = await callPluginMethod(run.deps, target, "authenticate", [forPlugin], { traceId: run.traceId });
  const parsed = authResultSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SandboxError(
      "PLUGIN_FAILED",
      `${target.slug} answered authenticate with something that is not an AuthResult: ${describeIssues(fieldIssues(parsed.error))}`,
      { plugin: target.slug, method: "authenticate" },
    );
  }
  const result = parsed.data;

  if (!result.success) {
    await commit(
      run,
      [],
      [
        notification(run, "authentication_failed", { credentials, error: result.error.message }),
        analyticsEvent(run, {
          event: "sign_in_failed",
          properties: { provider: target.slug, error_code: result.error.code },
        }),
      ],
    );
    throw new CommerceError("AUTHENTICATION_FAILED", `${target.slug} refused the sign-in: ${result.error.message}`, {
      provider: target.slug,
      plugin_error: { code: result.error.code, message: result.error.message },
    });
  }

  const email = result.user.email ?? (looksLikeEmail(credentials.identifier) ? credentials.identifier : undefined);
  if (!email) {
    throw new SandboxError(
      "PLUGIN_FAILED",
      `${target.slug} signed in a user without an email, and the credentials named none; the store's users are known by email.`,
      { plugin: target.slug, method: "authenticate" },
    );
  }
  const db = run.db;
  const known =
    (await findUserByEmail(db, run.tenantId, email)) ??
    (input.enroll ? await enrolled(run, email, result.user.name, target.slug, result.user.id) : null);
  const at = now();
  const session: SessionView = {
    id: newId("ses"),
    provider: target.slug,
    provider_user_id: result.user.id,
    user_id: known?.id ?? null,
    email: normalizeEmail(email),
    created_at: at,
    expires_at: result.expires_at ?? null,
    revoked_at: null,
  };
  const user = sessionUser(session, result.user.name ?? known?.name);
  await commit(
    run,
    [
      db
        .prepare(
          `INSERT INTO sessions (id, tenant_id, provider, provider_user_id, user_id, email, created_at, expires_at, trace_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          session.id,
          run.tenantId,
          session.provider,
          session.provider_user_id,
          session.user_id,
          session.email,
          at,
          session.expires_at,
          // the request that opened it: a plugin endpoint's route finds the session its call opened by it
          run.traceId,
        ),
    ],
    [
      notification(run, "after_authenticate", { credentials, user }),
      notification(run, "user_login", { user, session_id: session.id }),
      analyticsEvent(run, {
        event: "user_signed_in",
        properties: { provider: target.slug, session_id: session.id },
        ...(session.user_id ? { user_id: session.user_id } : {}),
      }),
    ],
  );
  return defined({
    session,
    user: result.user,
    token: result.token,
    refresh_token: result.refresh_token,
    expires_at: result.expires_at,
  });
}

export async function signOut(run: HookRun, sessionId: string): Promise<SessionView> {
  const db = run.db;
  const row = await db
    .prepare("SELECT * FROM sessions WHERE tenant_id = ? AND id = ?")
    .bind(run.tenantId, sessionId)
    .first();
  if (row === null) {
    throw new CommerceError("SESSION_NOT_FOUND", `This store has no session ${sessionId}.`, { session_id: sessionId });
  }
  const session = sessionRow.parse(row);
  // signing out twice is the same sign-out: user_logout fired the first time
  if (session.revoked_at !== null) return session;
  const at = now();
  await commit(
    run,
    [db.prepare("UPDATE sessions SET revoked_at = ? WHERE tenant_id = ? AND id = ?").bind(at, run.tenantId, sessionId)],
    [
      notification(run, "user_logout", { user: sessionUser(session), session_id: sessionId }),
      analyticsEvent(run, {
        event: "user_signed_out",
        properties: { provider: session.provider, session_id: sessionId },
        ...(session.user_id ? { user_id: session.user_id } : {}),
      }),
    ],
    [
      guard(
        db,
        "EXISTS (SELECT 1 FROM sessions WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL)",
        run.tenantId,
        sessionId,
      ),
    ],
  );
  return { ...session, revoked_at: at };
}
