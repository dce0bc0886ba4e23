/**
 * google-oauth's AuthPlugin methods: `authenticate` (the OpenID Connect callback or an app's ID token),
 * `authorize` (roles from the role_mapping setting), `refreshToken` (the refresh grant), and the
 * activation check of its settings.
 */
import type { PluginImplementation } from "@digital-commerce/plugin-sdk";
import { SignInFailure } from "./src/failures.ts";
import { allows, rolesFor } from "./src/roles.ts";
import * as z from "./src/schema.ts";
import { settingsOf } from "./src/settings.ts";
import { authenticate, refreshGrant } from "./src/sign-in.ts";

const userSchema = z.object({ email: z.optional(z.string()), roles: z.optional(z.array(z.string())) });

const plugin: PluginImplementation<"auth"> = {
  authenticate,

  /**
   * Whether `user` may `action` on `resource`. Roles come from the role mapping by the user's email
   * (the mapping is the authority, so a changed mapping applies at once); a user without an email is
   * judged by the roles it carries.
   */
  async authorize(context, user, resource, action) {
    const { roleMapping } = settingsOf(context);
    const parsed = userSchema.safeParse(user);
    if (!parsed.success) return false;
    const roles = parsed.data.email
      ? rolesFor(roleMapping, parsed.data.email)
      : (parsed.data.roles ?? roleMapping.default);
    return allows(roleMapping, roles, resource, action);
  },

  /** Resolves to a new access token for `token`, a refresh token. */
  async refreshToken(context, token) {
    try {
      return (await refreshGrant(context, token)).accessToken;
    } catch (error) {
      if (error instanceof SignInFailure) throw new Error(`${error.code}: ${error.message}`);
      throw error;
    }
  },

  /** Settings that do not read (a role mapping naming a role without grants, say) are refused here, naming the entry. */
  onActivate(context) {
    settingsOf(context);
  },
};

export default plugin;
