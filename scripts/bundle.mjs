// The shipped binary, dist/bin/: the `tsc` output of src/ bundled by esbuild (start-up, issue 15).
//
// Why: Node 20 has no compile cache, and `status` spent most of its time resolving, reading,
// compiling and linking ~150 small ES modules (2.9× `node -e 0`). Each file costs about as
// much again as its size, and the ES-module loader itself costs ~10 ms of CPU; so the status
// path is now 2 CommonJS files and no ES-module loader:
//
//   dist/bin/main.js     the CLI and commander, no engine: `--version` and `--help` load only it
//   dist/bin/engine.js   the whole engine and better-sqlite3's JavaScript (the other drivers
//                        load when a database of their kind opens), required by main.js
//   dist/bin/tui/        ES modules (Ink is one, with top-level await): the TUI's entries (the
//                        early frame, the TUI, the fleet view) and their chunks; they import
//                        ../engine.js, the instance main.js required
//
// npm packages stay external (native addons, WASM, drivers), except commander and
// better-sqlite3's JavaScript (see `bundled`), and in the TUI's outputs Ink and React (`tuiBundled`). dist/bundle-meta.json (esbuild's metafiles)
// says which sources each output holds; test/startup.test.ts reads it.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'dist/src');
const out = join(root, 'dist/bin');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch (error) {
    // A checkout whose node_modules predates the esbuild devDependency can name another copy.
    if (process.env.MIGRATE_TUI_ESBUILD) return import(pathToFileURL(process.env.MIGRATE_TUI_ESBUILD).href);
    throw error;
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let esbuild;
try {
  esbuild = await loadEsbuild();
} catch (error) {
  // Packing without the bundle would ship a binary that cannot start.
  if (['pack', 'publish'].includes(process.env.npm_command ?? '')) throw error;
  // Not bundled: the binary still works from this checkout (dist/src), only slower to start.
  writeFileSync(join(out, 'main.js'), "#!/usr/bin/env node\n// esbuild was not installed when this was built (run `npm install`): the unbundled build.\nimport '../src/cli/main.js';\n");
  chmodSync(join(out, 'main.js'), 0o755);
  process.stderr.write('warning: esbuild is not installed (run `npm install`); dist/bin/main.js runs the unbundled build, which starts slower and is not packable\n');
  process.exit(0);
}

/** Sources that are their own output file, and that file. */
const separate = new Map([
  [join(src, 'engine/index.js'), join(out, 'engine.js')],
  [join(src, 'tui/early-frame.js'), join(out, 'tui/early-frame.js')],
  [join(src, 'tui/run-tui.js'), join(out, 'tui/run-tui.js')],
  [join(src, 'tui/fleet/run-fleet-tui.js'), join(out, 'tui/run-fleet-tui.js')],
]);

/**
 * An import of another output's source becomes an import of that output (one engine instance
 * for the CLI and the TUI). In the TUI's ES-module outputs the engine (CommonJS, required by
 * main.js before) is required, not imported: an `import` of a CommonJS file makes Node scan
 * all of it for its export names (cjs-module-lexer over engine.js's ~500 KB, ~0.1 s of the
 * TUI's start under load); a `require` returns the instance already loaded. esbuild reads the
 * named imports of this CommonJS stand-in as property reads of the required object.
 */
const ENGINE_CJS = 'migrate-tui:engine.js';
function linkOutputs(outDir, self, { requireEngine = false } = {}) {
  return {
    name: 'link-outputs',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const target = resolve(args.resolveDir, args.path);
        const file = separate.get(target);
        if (!file || self.includes(target)) return undefined;
        if (requireEngine && file === join(out, 'engine.js')) return { path: ENGINE_CJS, namespace: 'engine-cjs' };
        const path = relative(outDir, file);
        return { path: path.startsWith('.') ? path : `./${path}`, external: true };
      });
      if (!requireEngine) return;
      build.onLoad({ filter: /.*/, namespace: 'engine-cjs' }, () => ({ contents: `module.exports = require(${JSON.stringify(ENGINE_CJS)});`, loader: 'js' }));
      build.onResolve({ filter: new RegExp(`^${ENGINE_CJS}$`) }, () => {
        const path = relative(outDir, join(out, 'engine.js'));
        return { path: path.startsWith('.') ? path : `./${path}`, external: true };
      });
    },
  };
}

/**
 * Bundled although npm packages: commander (every command loads it) and better-sqlite3's
 * JavaScript (13 small CommonJS files, ~7 ms of CPU to load; its addon stays where npm built it,
 * found by the SQLite adapter). The others stay external: native addons, WASM, drivers
 * loaded only for their database (Ink and React: bundled into the TUI's outputs only).
 */
const bundled = ['commander', 'better-sqlite3'];
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: [...Object.keys(pkg.dependencies).filter((name) => !bundled.includes(name)), 'bindings'].flatMap((name) => [name, `${name}/*`]),
  define: { MIGRATE_TUI_VERSION: JSON.stringify(pkg.version) },
  metafile: true,
  logLevel: 'warning',
};
/** CommonJS outputs: import.meta.url (createRequire, package.json) becomes the file's URL. */
const commonjs = {
  ...common,
  format: 'cjs',
  define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
  // "use strict" first: esbuild's own comes after the banner, where it does not count.
  banner: { js: '"use strict";\nconst __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};
/** The CLI loads the engine with require (an import() would start the ES-module loader). */
const requireEngine = {
  name: 'require-engine',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]src[\\/]cli[\\/]engine\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const dynamic = "await import('../engine/index.js')";
      if (!text.includes(dynamic)) throw new Error(`${args.path} no longer says ${dynamic}: update scripts/bundle.mjs`);
      // linkOutputs makes it require('./engine.js').
      return { contents: text.replace(dynamic, "require('../engine/index.js')"), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};
const tuiBundled = ['ink', 'react'];
const tuiEntries = [...separate.keys()].filter((f) => f.includes('/tui/'));
const [cli, engine, tui] = await Promise.all([
  esbuild.build({
    ...commonjs,
    entryPoints: [join(src, 'cli/bin.js')],
    outfile: join(out, 'main.js'),
    banner: { js: `#!/usr/bin/env node\n${commonjs.banner.js}` },
    plugins: [requireEngine, linkOutputs(out, [])],
  }),
  esbuild.build({ ...commonjs, entryPoints: [join(src, 'engine/index.js')], outfile: join(out, 'engine.js'), plugins: [linkOutputs(out, [join(src, 'engine/index.js')])] }),
  esbuild.build({
    ...common,
    // Ink and React bundled too: loaded as ~100 separate ES and CommonJS modules they cost the
    // TUI's start ES-module linking and cjs-module-lexer passes (about 0.45 s under load).
    external: common.external.filter((name) => !tuiBundled.some((b) => name === b || name === `${b}/*`)).concat(['react-devtools-core']),
    // Their CommonJS parts require Node's modules; an ES module has no require of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
    format: 'esm',
    define: {
      ...common.define,
      // React's production build only (tuiEnvironment set it at run time already): the
      // development build of react-reconciler (~1 MB) is no longer in the chunk Node compiles.
      'process.env.NODE_ENV': '"production"',
      // yoga-layout (Ink's layout, WebAssembly inlined as a data: URL) fetches its own bytes
      // when `fetch` exists: in Node that loads undici and the web streams (~0.1 s of the
      // TUI's start under load) to decode a string it decodes itself without one.
      fetch: 'undefined',
    },
    entryPoints: Object.fromEntries(tuiEntries.map((f) => [relative(join(out, 'tui'), separate.get(f)).replace(/\.js$/, ''), f])),
    outdir: join(out, 'tui'),
    splitting: true,
    plugins: [linkOutputs(join(out, 'tui'), tuiEntries, { requireEngine: true })],
  }),
]);
// The package is "type": "module"; these say what each folder's .js files are.
writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');
writeFileSync(join(out, 'tui/package.json'), '{ "type": "module" }\n');
writeFileSync(join(root, 'dist/bundle-meta.json'), JSON.stringify({ cli: cli.metafile, engine: engine.metafile, tui: tui.metafile }));
chmodSync(join(out, 'main.js'), 0o755);
