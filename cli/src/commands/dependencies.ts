/**
 * `admin-cli dependencies <slug>`: the plugin's dependency tree as the tenant would get it (the
 * spec's "Debug Tools" command), each dependency with its range, the version installed or chosen,
 * its state, and what is wrong: missing from the catalogue, or a version outside the range.
 */
import type { Command } from "commander";
import type { DependenciesView, DependencyNode } from "../api.ts";
import { path } from "../format.ts";
import type { Output } from "../output.ts";
import { contextOf, examples } from "../program.ts";

type Problem = DependenciesView["problems"][number];

function nodeText(out: Output, node: DependencyNode, problems: readonly Problem[]): string {
  const { c } = out;
  const head = `${c.bold(node.slug)} ${c.dim(node.range)}`;
  const problem = problems.find((p) => p.slug === node.slug);
  if (node.state === "missing" || (problem?.code === "MISSING_DEPENDENCY" && !problem.available?.length)) {
    return `${head} ${c.red("✖ missing: not in the catalogue")}`;
  }
  if (problem?.code === "MISSING_DEPENDENCY") {
    return `${head} ${c.red(`✖ conflict: no version meets ${node.range} (available: ${problem.available?.join(", ")})`)}`;
  }
  if (problem?.code === "VERSION_CONFLICT") return `${head} ${c.red(`✖ conflict: ${problem.message}`)}`;
  if (node.version === null) return `${head} ${c.dim("? not resolved: see the problems below")}`;
  if (!node.satisfied) {
    return `${head} ${c.red(`✖ conflict: ${node.state} ${node.version} does not satisfy ${node.range}`)}`;
  }
  const state = node.state === "available" ? c.dim("not installed: install adds it") : node.state;
  return `${head} → ${node.version} ${c.green("✔")} ${state}`;
}

function printTree(out: Output, nodes: readonly DependencyNode[], problems: readonly Problem[], indent: string): void {
  nodes.forEach((node, i) => {
    const last = i === nodes.length - 1;
    out.info(`${indent}${last ? "└── " : "├── "}${nodeText(out, node, problems)}`);
    printTree(out, node.dependencies, problems, `${indent}${last ? "    " : "│   "}`);
  });
}

export function registerDependencies(program: Command): void {
  program
    .command("dependencies")
    .description("Show a plugin's dependency tree with versions and states, conflicts and missing plugins marked")
    .argument("<slug>", "the plugin")
    .addHelpText("after", examples("admin-cli dependencies my-plugin", "admin-cli --json dependencies stripe-gateway"))
    .action(async (slug: string, _options, command: Command) => {
      const { out, client } = contextOf(command);
      const view = await (await client()).get<DependenciesView>(`/api/admin/plugins/${path(slug)}/dependencies`);
      out.result(view, () => {
        const { c } = out;
        out.info(`${c.bold(view.slug)}@${view.version ?? "?"}`);
        if (view.dependencies.length === 0) out.info(c.dim("└── no dependencies"));
        printTree(out, view.dependencies, view.problems, "");
        if (view.dependents.length > 0) {
          out.info(`Depended on by: ${view.dependents.map((d) => `${d.slug} (${d.state})`).join(", ")}`);
        }
        if (view.resolvable && view.problems.length === 0) out.success("Resolvable: every dependency can be met.");
        for (const problem of view.problems) out.warn(`${problem.code}: ${problem.message}`);
      });
    });
}
