/** Sign-in with a tenant token: checked with whoami before it is kept for the session. */
import { KeyRoundIcon } from "lucide-react";
import { useState } from "react";
import { ErrorAlert } from "@/components/page-state";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { adminApi } from "@/lib/api";
import { navigate } from "@/lib/router";
import { signedOutBecause, startSession } from "@/lib/session";
import type { WhoAmI } from "@/lib/types";

/** Where to go after signing in: only a path of this dashboard, never another origin. */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get("next");
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : "/plugins";
}

export function SignInPage() {
  const [token, setToken] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reason = signedOutBecause();

  async function signIn(event: React.FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const whoami = await adminApi<WhoAmI>("/whoami", { token: token.trim() });
      startSession({ token: token.trim(), whoami });
      navigate(nextPath(), { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  }

  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/30 p-4">
      <Card className="w-full max-w-md">
        <CardHeader>
          <CardTitle className="text-xl">
            <h1>Sign in to the commerce admin</h1>
          </CardTitle>
          <CardDescription>
            Paste a tenant API token. It is kept for this browser tab only and sent to the admin API as a Bearer token.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form onSubmit={signIn} className="flex flex-col gap-4">
            {reason && !error && (
              <Alert>
                <AlertDescription>{reason}</AlertDescription>
              </Alert>
            )}
            <div className="flex flex-col gap-2">
              <Label htmlFor="token">Tenant token</Label>
              <Input
                id="token"
                name="token"
                type="password"
                autoComplete="off"
                required
                placeholder="dcp_…"
                value={token}
                onChange={(e) => setToken(e.target.value)}
              />
            </div>
            {error !== null && <ErrorAlert error={error} title="Sign-in refused" />}
            <Button type="submit" disabled={pending || token.trim() === ""}>
              <KeyRoundIcon /> {pending ? "Checking…" : "Sign in"}
            </Button>
          </form>
        </CardContent>
      </Card>
    </main>
  );
}
