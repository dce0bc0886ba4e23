/** Who the calling token is: GET /api/admin/whoami, which admin-cli login and the dashboard's sign-in check a token with. */
import { z } from "zod";

export const roles = ["owner", "admin", "viewer"] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const whoamiView = z
  .object({
    tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
    role: roleSchema,
    scopes: z.array(z.string()).meta({
      description: "Rights beyond the role, e.g. plugins:publish (adding versions to the shared catalogue).",
      example: ["plugins:publish"],
    }),
  })
  .meta({ id: "WhoAmI" });
export type WhoAmI = z.infer<typeof whoamiView>;
