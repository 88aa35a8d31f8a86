/**
 * `squall quickstart <name>`: a new project with a word-count topology (as classes and as a
 * pipeline), its tests, a squall config and a README saying what to run next.
 *
 * The project's TypeScript files are copied from templates/quickstart/, which this repository
 * type-checks and tests like its own code; package.json, tsconfig.json and the README are written here.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { squallRoot } from "../bundle/bundle.ts";
import { UsageError } from "./run.ts";

export interface QuickstartOptions {
  /** The squall dependency spec written to package.json (default: ^<this version>). */
  readonly squall?: string;
  /** Working directory the name is resolved against (default: the current one). */
  readonly cwd?: string;
}

export interface QuickstartResult {
  readonly dir: string;
  readonly name: string;
  /** Files written, relative to dir. */
  readonly files: readonly string[];
}

const RESERVED = new Set(["node_modules", "favicon.ico", "squall"]);

/** Why `name` is not a valid npm package name, or undefined when it is. */
export const packageNameProblem = (name: string): string | undefined => {
  if (name.length === 0) return "it is empty";
  if (name.length > 214) return "it is longer than 214 characters";
  if (name !== name.trim()) return "it has leading or trailing spaces";
  if (name.toLowerCase() !== name) return "it has capital letters (npm package names are lowercase)";
  if (/^[._]/.test(name)) return 'it starts with "." or "_"';
  if (RESERVED.has(name)) return `"${name}" is reserved${name === "squall" ? " (a project cannot depend on a package of its own name)" : ""}`;
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  const parts = scoped ? [scoped[1]!, scoped[2]!] : [name];
  for (const part of parts) {
    if (!/^[a-z0-9~-][a-z0-9._~-]*$/.test(part)) return "it may hold only lowercase letters, digits and - . _ ~ (and one @scope/ prefix)";
  }
  return undefined;
};

const read = (file: string): string => fs.readFileSync(file, "utf8");

const listFiles = (dir: string, base = dir): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p, base) : [path.relative(base, p)];
  });

const packageJson = (name: string, squallSpec: string): string =>
  `${JSON.stringify(
    {
      name,
      version: "0.1.0",
      private: true,
      type: "module",
      scripts: {
        start: "squall run",
        test: "vitest run",
        typecheck: "tsc --noEmit",
        visualize: "squall visualize topologies/wordcount.ts -o wordcount.svg",
      },
      dependencies: { squall: squallSpec, "io-ts": "^2.2.22", "fp-ts": "^2.16.11" },
      devDependencies: { "fast-check": "^4.3.0", typescript: "~5.9.3", vitest: "^4.0.0" },
    },
    null,
    2,
  )}\n`;

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noUncheckedIndexedAccess: true,
      noImplicitOverride: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      noEmit: true,
      types: [],
    },
    include: ["topologies", "test", "squall.config.ts"],
  },
  null,
  2,
)}\n`;

const GITIGNORE = "node_modules/\nlogs/\n*.log\nsquall-metrics.json\n";

const readme = (name: string, dir: string): string => `# ${name}

A stream topology on [squall](https://www.npmjs.com/package/squall): TypeScript spouts and bolts that run
on this machine with \`squall run\`, and on an Apache Storm cluster with \`squall submit\`.

## What to run next

\`\`\`sh
cd ${dir}
npm install
npx squall run -t 10     # the word count, for 10 seconds (Ctrl-C stops it sooner)
npm test                 # its tests: components one by one, and the whole topology under faults
\`\`\`

\`squall run\` starts one process per task (1 spout, 2 split, 2 count) and plays Storm: it acks, times out
and replays tuples. It prints a table of what each component emitted and acked; each task's log is in
\`logs/\` (\`tail -f logs/wordcount_count_*.log\` shows the counts as they grow).

## What is here

| file | what it is |
|---|---|
| \`topologies/components.ts\` | the spout and the bolts: \`SentenceSpout\`, \`SplitBolt\`, \`CountBolt\` |
| \`topologies/wordcount.ts\` | the word count, wired with the topology builder (what \`squall run\` runs) |
| \`topologies/wordcount-pipeline.ts\` | the same word count as an operator pipeline (\`npx squall run topologies/wordcount-pipeline.ts\`) |
| \`test/wordcount.test.ts\` | tests with \`squall/testing\`: one component at a time, then the topology in the simulator |
| \`squall.config.ts\` | the default topology, and the environments (a commented Storm cluster to fill in) |

## More

- Draw it: \`npx squall visualize topologies/wordcount.ts -o wordcount.svg\`
- Change it: a new bolt is a class with \`process(tuple)\` returning \`this.ack(...emits)\` or \`this.fail(reason)\`;
  add it to the topology with \`.bolt("id", MyBolt).shuffle("split")\` (or \`.fields(...)\`, \`.all(...)\`, ...).
- Deploy it: uncomment the \`prod\` environment in \`squall.config.ts\`, set its nimbus, then
  \`npx squall submit topologies/wordcount.ts -e prod\`; follow it with \`npx squall list\`, \`stats\`, \`tail\`, and stop it with \`npx squall kill wordcount\`.
- Every command: \`npx squall --help\`, \`npx squall <command> --help\`.
`;

/** Writes a new project; throws UsageError (what, where, how to fix) when it cannot. */
export function quickstart(nameArg: string, options: QuickstartOptions = {}): QuickstartResult {
  const cwd = options.cwd ?? process.cwd();
  const scoped = /^@[^/]+\/[^/]+$/.test(nameArg);
  const name = scoped ? nameArg : path.basename(nameArg);
  const dir = path.resolve(cwd, scoped ? nameArg.split("/")[1]! : nameArg);
  const problem = packageNameProblem(name);
  if (problem !== undefined) {
    throw new UsageError(
      `quickstart ${JSON.stringify(nameArg)}: "${name}" is not a valid npm package name: ${problem}; pick a name like "wordcount" or "my-topology" (it names both the folder and the package)`,
    );
  }
  if (/[\0]/.test(nameArg) || nameArg.trim() === "" || path.basename(dir) === "..") {
    throw new UsageError(`quickstart ${JSON.stringify(nameArg)}: not a usable folder path; give a folder name such as my-topology`);
  }
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new UsageError(`quickstart: ${dir} exists and is a file; pick another name or move it away`);
    const entries = fs.readdirSync(dir);
    if (entries.length > 0) {
      throw new UsageError(
        `quickstart: the folder ${dir} exists and is not empty (${entries.slice(0, 5).join(", ")}${entries.length > 5 ? ", ..." : ""}); pick another name, or empty it first (squall never overwrites files)`,
      );
    }
  }
  const root = squallRoot();
  const version = (JSON.parse(read(path.join(root, "package.json"))) as { version: string }).version;
  const templates = path.join(root, "adapters", "cli", "templates", "quickstart");
  if (!fs.existsSync(templates)) throw new UsageError(`quickstart: the project templates are missing from ${templates}; reinstall squall`);
  const written: string[] = [];
  const write = (rel: string, text: string): void => {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { flag: "wx" });
    written.push(rel);
  };
  fs.mkdirSync(dir, { recursive: true });
  for (const rel of listFiles(templates).sort()) write(rel, read(path.join(templates, rel)));
  write("package.json", packageJson(name, options.squall ?? `^${version}`));
  write("tsconfig.json", TSCONFIG);
  write(".gitignore", GITIGNORE);
  write("README.md", readme(name, path.relative(cwd, dir) || "."));
  return { dir, name, files: written };
}

export function registerQuickstart(program: Command): void {
  program
    .command("quickstart")
    .description("create a new project: a word-count topology (classes and pipeline), its tests, a squall config and a README")
    .argument("<name>", "package name, also the new folder (a path is fine: its last part is the name)")
    .option("--squall <spec>", "the squall dependency written to package.json (default: ^<this version>; e.g. file:../squall-0.1.0.tgz)")
    .action((name: string, options: { squall?: string }) => {
      const result = quickstart(name, { ...(options.squall !== undefined && { squall: options.squall }) });
      const rel = path.relative(process.cwd(), result.dir) || ".";
      process.stdout.write(
        [
          `squall: created ${result.name} in ${rel}:`,
          ...result.files.map((f) => `  ${f}`),
          "",
          "Next:",
          `  cd ${rel}`,
          "  npm install",
          "  npx squall run -t 10   # run the word count for 10 seconds",
          "  npm test               # run its tests",
          "",
        ].join("\n"),
      );
    });
}
