/**
 * `context.plugins` in a test: the dependencies' real services, each run with a context of its own
 * plugin for the same tenant, behind the same rules the platform keeps (only declared dependencies,
 * only exported services, plain data in and out, copied) and with the platform's messages.
 */
import semver from "semver";
import type { PluginManifest } from "../manifest.ts";
import type { PluginsBinding } from "../runtime/protocol.ts";
import { plainDataProblem, serviceRefusal } from "../runtime/services.ts";
import type { TestDependency, TestPlugin } from "./context.ts";

const refused = (refusal: { code: string; message: string }) => new Error(`${refusal.code}: ${refusal.message}`);

/** Refuses, naming the option, a dependency the manifest does not declare or whose version does not fit. */
function checkGiven(manifest: PluginManifest, given: Record<string, TestDependency>): void {
  const declared = new Map(manifest.dependencies.map((d) => [d.name, d.version]));
  for (const [slug, dependency] of Object.entries(given)) {
    const range = declared.get(slug);
    if (range === undefined) {
      const list = [...declared.keys()];
      throw new Error(
        `dependencies.${slug}: ${manifest.slug} does not depend on ${slug}; its dependencies are ${list.length > 0 ? list.join(", ") : "none"}`,
      );
    }
    if (dependency.manifest.slug !== slug) {
      throw new Error(`dependencies.${slug}.manifest: is the manifest of ${dependency.manifest.slug}, not ${slug}`);
    }
    if (!semver.satisfies(dependency.manifest.version, range, { includePrerelease: true })) {
      throw new Error(
        `dependencies.${slug}.manifest: ${slug}@${dependency.manifest.version} does not satisfy ${manifest.slug}'s range ${range}`,
      );
    }
  }
}

/**
 * The PLUGINS binding of a test context, and each given dependency's own test plugin.
 *
 * @example
 * const { binding } = dependencyBinding(manifest, { "core-utils": { manifest: coreUtils, services } }, start);
 * await binding.call("core-utils", "minorUnits", ["JPY"], {}); // 0
 */
export function dependencyBinding(
  manifest: PluginManifest,
  given: Record<string, TestDependency>,
  start: (dependency: TestDependency) => TestPlugin,
): { binding: PluginsBinding; contexts: Record<string, TestPlugin>; close(): void } {
  checkGiven(manifest, given);
  const contexts: Record<string, TestPlugin> = Object.fromEntries(
    Object.entries(given).map(([slug, dependency]) => [slug, start(dependency)]),
  );
  const declared = manifest.dependencies.map((d) => d.name);
  const binding: PluginsBinding = {
    async call(dependency, service, args, options) {
      if (!declared.includes(dependency))
        throw refused(serviceRefusal.notADependency(manifest.slug, dependency, declared));
      const entry = given[dependency];
      const plugin = contexts[dependency];
      if (!entry || !plugin) {
        throw new Error(
          `${manifest.slug} depends on ${dependency}, whose services this test did not supply; pass createTestContext({ dependencies: { "${dependency}": { manifest, services } } })`,
        );
      }
      const fn = Object.hasOwn(entry.services, service) ? entry.services[service] : undefined;
      if (typeof fn !== "function") {
        const names = Object.keys(entry.services).filter((name) => typeof entry.services[name] === "function");
        throw refused(serviceRefusal.unknownService(dependency, service, names.sort()));
      }
      const argsProblem = plainDataProblem(args, "args");
      if (argsProblem) throw refused(serviceRefusal.notPlainData(dependency, service, argsProblem));
      const context = plugin.contextFor({
        ...(options.idempotency_key ? { idempotency_key: options.idempotency_key } : {}),
        ...(options.trace_id ? { trace_id: options.trace_id } : {}),
      });
      let value: unknown;
      try {
        // copied in and out, as RPC copies them: the service cannot change the caller's objects, nor the reverse
        value = await (fn as (...a: unknown[]) => unknown).call(entry.services, context, ...structuredClone(args));
      } catch (error) {
        throw new Error(
          `${dependency} failed in service ${service}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const resultProblem = plainDataProblem(value, "result");
      if (resultProblem) {
        throw new Error(`${dependency} failed in service ${service}: its answer must be plain data: ${resultProblem}`);
      }
      return structuredClone(value);
    },
  };
  const close = () => {
    for (const plugin of Object.values(contexts)) plugin.close();
  };
  return { binding, contexts, close };
}
