import { Hono } from "hono";
import type { ApiEnv } from "./env.ts";

const app = new Hono<{ Bindings: ApiEnv }>();
app.get("/", (c) => c.json({ ok: true }));
export default app;
