/**
 * Users (before/after_user_create) and sessions through the test-auth plugin: sign-in fires
 * before_authenticate, then after_authenticate and user_login, or authentication_failed; sign-out
 * fires user_logout.
 */

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { committedBy, type ErrorBody, givenActive, givenStore, type Store, topicsOf } from "./given.ts";

const PASSWORD = "correct horse battery staple";

interface User {
  id: string;
  email: string;
  name?: string;
  metadata: Record<string, unknown>;
}

interface SignedIn {
  session: {
    id: string;
    provider: string;
    provider_user_id: string;
    user_id: string | null;
    email: string;
    revoked_at: string | null;
  };
  user: { id: string; email?: string; roles?: string[] };
  token: string;
  refresh_token?: string;
  expires_at?: string;
}

describe("creating a user", () => {
  it("stores the user and commits after_user_create with it", async () => {
    const store = await givenStore();
    const res = await store.shop<User>("POST", "/api/commerce/users", { email: "Ada@Example.com", name: "Ada" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: "ada@example.com", name: "Ada", metadata: {} });
    expect(res.body.id).toMatch(/^usr_/);
    const events = await committedBy(res.traceId);
    expect(topicsOf(events)).toEqual(["after_user_create", "analytics:user_created"]);
    expect(events[0]?.payload).toEqual({
      user: { id: res.body.id, email: "ada@example.com", name: "Ada", metadata: {} },
    });
    expect(events[1]?.payload).toMatchObject({ user_id: res.body.id });
  });

  it("stores the user as before_user_create completed it, and refuses what it vetoes", async () => {
    const store = await givenStore();
    await givenActive(store, "test-store-rules");
    const named = await store.shop<User>("POST", "/api/commerce/users", { email: "grace@example.com" });
    expect(named.body.name).toBe("grace");
    const blocked = await store.shop<ErrorBody>("POST", "/api/commerce/users", { email: "eve@blocked.example" });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error).toMatchObject({
      code: "HOOK_VETOED",
      message: "Sign-ups from blocked.example are closed",
    });
    expect(await committedBy(blocked.traceId)).toEqual([]);
  });

  it("refuses an email the store already has, whatever its case", async () => {
    const store = await givenStore();
    await store.shop("POST", "/api/commerce/users", { email: "ada@example.com" });
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/users", { email: "ADA@example.com" });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "EMAIL_TAKEN", message: expect.stringContaining("ada@example.com") });
  });

  it.each([
    ["email", { name: "Ada" }],
    ["email", { email: "not-an-address" }],
    ["id", { email: "ada@example.com", id: "usr_mine" }],
  ])("answers 400 naming %s", async (field, body) => {
    const store = await givenStore();
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/users", body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
  });
});

async function givenAuthStore(): Promise<Store> {
  const store = await givenStore();
  await givenActive(store, "test-auth", { password: PASSWORD });
  return store;
}

const signIn = (store: Store, credentials: Record<string, unknown>) =>
  store.shop<SignedIn>("POST", "/api/commerce/auth/sign-in", { credentials });

describe("signing in", () => {
  it("opens a session through the auth plugin and commits after_authenticate and user_login, never the password", async () => {
    const store = await givenAuthStore();
    const res = await signIn(store, { email: "ada@example.com", password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^ta_/);
    expect(res.body.refresh_token).toMatch(/^tar_/);
    expect(res.body.user).toMatchObject({
      id: "test-auth|ada@example.com",
      email: "ada@example.com",
      roles: ["customer"],
    });
    expect(res.body.session).toMatchObject({
      provider: "test-auth",
      email: "ada@example.com",
      user_id: null,
      revoked_at: null,
    });
    const events = await committedBy(res.traceId);
    expect(topicsOf(events)).toEqual(["after_authenticate", "user_login", "analytics:user_signed_in"]);
    expect(events[0]?.payload).toMatchObject({
      credentials: { provider: "test-auth", identifier: "ada@example.com" },
      user: { email: "ada@example.com" },
    });
    expect(events[1]?.payload).toMatchObject({ session_id: res.body.session.id, user: { email: "ada@example.com" } });
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it("links the session to the store's user with the same email", async () => {
    const store = await givenAuthStore();
    const user = await store.shop<User>("POST", "/api/commerce/users", { email: "ada@example.com" });
    const res = await signIn(store, { email: "ADA@example.com", password: PASSWORD });
    expect(res.body.session.user_id).toBe(user.body.id);
    const login = (await committedBy(res.traceId)).find((e) => e.hook === "user_login");
    expect(login?.payload).toMatchObject({ user: { id: user.body.id } });
  });

  it("answers 401 for a wrong password, commits authentication_failed, and opens no session", async () => {
    const store = await givenAuthStore();
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/auth/sign-in", {
      credentials: { email: "ada@example.com", password: "guess" },
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({
      code: "AUTHENTICATION_FAILED",
      details: { provider: "test-auth", plugin_error: { code: "INVALID_CREDENTIALS" } },
    });
    const events = await committedBy(res.traceId);
    expect(topicsOf(events)).toEqual(["authentication_failed", "analytics:sign_in_failed"]);
    expect(events[0]?.payload).toMatchObject({
      credentials: { provider: "test-auth", identifier: "ada@example.com" },
      error: "The email or password is wrong.",
    });
    expect(JSON.stringify(events)).not.toContain("guess");
    const sessions = await ledgerDb(env, store.tenant.id)
      .prepare("SELECT COUNT(*) AS n FROM sessions WHERE tenant_id = ?")
      .bind(store.tenant.id)
      .first<{ n: number }>();
    expect(sessions?.n).toBe(0);
  });

  it("refuses a locked account in before_authenticate, before the auth plugin is asked", async () => {
    const store = await givenAuthStore();
    await givenActive(store, "test-store-rules");
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/auth/sign-in", {
      credentials: { email: "locked@example.com", password: PASSWORD },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "HOOK_VETOED", message: "This account is locked" });
    expect(await committedBy(res.traceId)).toEqual([]);
    const ok = await signIn(store, { email: "ada@example.com", password: PASSWORD });
    const [after] = await committedBy(ok.traceId);
    expect(after?.payload).toMatchObject({ credentials: { metadata: { checked_by: "test-store-rules" } } });
  });

  it("refuses with 409 when no auth plugin is active", async () => {
    const store = await givenStore();
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/auth/sign-in", { credentials: { email: "a@b.c" } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", details: { category: "auth" } });
  });

  it("answers 400 without credentials", async () => {
    const store = await givenAuthStore();
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/auth/sign-in", { email: "ada@example.com" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("credentials");
  });
});

describe("signing out", () => {
  it("revokes the session and commits user_logout once", async () => {
    const store = await givenAuthStore();
    const session = (await signIn(store, { email: "ada@example.com", password: PASSWORD })).body.session;
    const res = await store.shop<SignedIn["session"]>("POST", "/api/commerce/auth/sign-out", {
      session_id: session.id,
    });
    expect(res.status).toBe(200);
    expect(res.body.revoked_at).not.toBeNull();
    const events = await committedBy(res.traceId);
    expect(topicsOf(events)).toEqual(["user_logout", "analytics:user_signed_out"]);
    expect(events[0]?.payload).toMatchObject({ session_id: session.id, user: { email: "ada@example.com" } });
    const again = await store.shop<SignedIn["session"]>("POST", "/api/commerce/auth/sign-out", {
      session_id: session.id,
    });
    expect(again.status).toBe(200);
    expect(again.body.revoked_at).toBe(res.body.revoked_at);
    expect(await committedBy(again.traceId)).toEqual([]);
  });

  it("answers 404 for a session of another store", async () => {
    const store = await givenAuthStore();
    const other = await givenAuthStore();
    const session = (await signIn(other, { email: "ada@example.com", password: PASSWORD })).body.session;
    const res = await store.shop<ErrorBody>("POST", "/api/commerce/auth/sign-out", { session_id: session.id });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("SESSION_NOT_FOUND");
  });
});
