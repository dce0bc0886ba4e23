/** Errors the SDK raises: a manifest that does not validate, listing every problem with its path. */
import type { z } from "zod";

export interface ManifestProblem {
  /** Dotted path into the manifest, e.g. `hooks.0.name`; empty for the manifest itself. */
  path: string;
  message: string;
}

export function problemsOf(error: z.ZodError): ManifestProblem[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

/** Thrown by `build()` and `parseManifest()`: one readable error for every problem at once. */
export class ManifestError extends Error {
  readonly code = "INVALID_MANIFEST" as const;
  readonly problems: ManifestProblem[];
  /**
   * The manifest as it was given, before validation, when known (`build()` sets it): tools such as
   * `admin-cli validate` read the handler paths from it to go on checking an invalid manifest.
   */
  readonly input: unknown;

  constructor(subject: string, problems: ManifestProblem[], input?: unknown) {
    const lines = problems.map((p) => `  - ${p.path || "(manifest)"}: ${p.message}`);
    super(
      `Invalid plugin manifest for ${subject} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
    );
    this.name = "ManifestError";
    this.problems = problems;
    this.input = input;
  }
}
