/** The store's users (its customers): created through before_user_create, announced by after_user_create. */

import type { User } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { analyticsEvent, type HookRun, notification, runBeforeHooks } from "../hooks/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";
import { CommerceError } from "./errors.ts";
import type { UserView } from "./schemas.ts";
import { commit, defined, isUniqueViolation, jsonRecord, newId, now } from "./store.ts";

const userRow = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    metadata: jsonRecord,
    created_at: z.string(),
  })
  .transform((r): UserView => defined({ ...r, name: r.name ?? undefined }));

/** Addresses differ only in case for no one: they are stored, and compared, in lower case. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function findUserByEmail(db: TenantDb, tenantId: string, email: string): Promise<UserView | null> {
  const row = await db
    .prepare("SELECT * FROM users WHERE tenant_id = ? AND email = ?")
    .bind(tenantId, normalizeEmail(email))
    .first();
  return row === null ? null : userRow.parse(row);
}

const emailTaken = (email: string) =>
  new CommerceError("EMAIL_TAKEN", `A user with email ${email} already exists in this store.`, {
    field: "email",
    email,
  });

export async function createUser(run: HookRun, input: Omit<User, "id">): Promise<UserView> {
  const db = run.db;
  const email = normalizeEmail(input.email);
  if (await findUserByEmail(db, run.tenantId, email)) throw emailTaken(email);
  const id = newId("usr");
  const hooked = await runBeforeHooks(run, "before_user_create", { user: { ...input, email, id } });
  // the id is the platform's; a hook may change the rest (fill in a name, tag the user)
  const user: User = { ...hooked.user, email: normalizeEmail(hooked.user.email), id };
  const at = now();
  try {
    await commit(
      run,
      [
        db
          .prepare("INSERT INTO users (id, tenant_id, email, name, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?)")
          .bind(id, run.tenantId, user.email, user.name ?? null, JSON.stringify(user.metadata), at),
      ],
      [
        notification(run, "after_user_create", { user }),
        analyticsEvent(run, { event: "user_created", user_id: id, properties: { user_id: id } }),
      ],
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken(user.email);
    throw error;
  }
  return defined({ ...user, id, created_at: at });
}
