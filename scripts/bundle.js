#!/usr/bin/env node
// The package's runtime as the app loads it (issue 10, start-up): the compiled dist/src (tsc
// output, the code the tests run) bundled by esbuild into ONE minified file,
// dist/bundle/aimeter.cjs, that both `aimeter/register` and `require('aimeter')` load, so the
// preload and the manual API share one copy of every module (runtime settings, outcome
// trackers, warning state). Module loading is most of a preload's start-up: resolving, reading
// and compiling each file costs about as much as the code in it (docs/performance.md), and this
// file replaces about 220 of them.
//
// @opentelemetry/api, a peer dependency, is one copy shared with the app: the bundle carries the
// version it was built with and uses it only where it is the installed copy (api-binding below);
// otherwise it is required from node_modules.
// Kept out of the bundle (required from node_modules, as before):
// - import-in-the-middle: its loader hook (hook.mjs, another thread) and the ES-module wrappers
//   it generates import it by name, so the main thread must use that same installed copy;
// - what is loaded only when configured or used (exporters, the metrics SDK, prom-client at the
//   first scrape, the gRPC peers): bundled in, they would be parsed at every start;
// - zod is bundled into a file of its own, dist/bundle/vendor/zod.cjs, loaded only when a user
//   price file or a KPI event needs validating (550 KB of code otherwise parsed at every start),
//   and no longer installed from the registry (about 5 MB); yaml stays a dependency (the CLI
//   reads objectives files with it) and is required from node_modules, lazily, as before.
// Lazy require()s inside aimeter stay lazy: esbuild wraps each CommonJS module in a function
// that runs at its first require.
// The entry points load the bundle through dist/bundle/loader.cjs (src/sdk/bundle-loader.ts),
// which keeps V8's compiled code of it in a cache: about a third of the preload's CPU otherwise.
'use strict';
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { Buffer } = require('node:buffer');
const { filterSourceMap } = require('./source-map-filter.js');

const root = path.join(__dirname, '..');
const out = path.join(root, 'dist', 'bundle');
const VENDORED = ['zod'];
/**
 * What aimeter's own code requires that goes INTO the bundle (with whatever these require in
 * turn): the pipeline every start loads. Every other package aimeter's code names stays a
 * require() from node_modules: the app's own (express, the provider SDKs), the peers, and what is
 * loaded only when configured or used (exporters, the metrics SDK, prom-client at the first
 * scrape, the gRPC peers: bundled in, they would be parsed at every start).
 */
const INLINE = new Set([
  '@opentelemetry/api-logs',
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/core',
  '@opentelemetry/instrumentation',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/semantic-conventions',
]);
/** Never inlined, whoever requires them (see the top of this file). */
const ALWAYS_EXTERNAL = new Set(['import-in-the-middle']);
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, logLevel: 'warning', absWorkingDir: root };

const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** Decides, for each bare require, inline, vendored file or node_modules (see INLINE). */
const placement = {
  name: 'placement',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return undefined;
      const name = packageOf(args.path);
      if (ALWAYS_EXTERNAL.has(name)) return { path: args.path, external: true };
      if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined; // an inlined package's own dependency
      if (VENDORED.includes(args.path)) return { path: `./vendor/${args.path}.cjs`, external: true };
      if (INLINE.has(name)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * The inlined OTel packages from their ES-module builds ("module"), so that esbuild keeps, and the
 * preload initialises, only the parts of them that are used. A `require()` of one of them (tsc's
 * CommonJS output of aimeter's own files, and instrumentation-http, which ships CommonJS only)
 * would take the whole package, every module of it initialised at start: each such require is
 * answered by a module that re-exports just the names the requiring file reads, taken from its
 * source at build time (`const x_1 = require("pkg")`, then only `x_1.NAME`). A file that uses one
 * any other way gets the whole package; for @opentelemetry/semantic-conventions (about 80 KB of
 * code and 1 MB of heap at every start) the build fails instead, and its names come as a plain
 * object of their string values (read through esbuild's getters, each `semantic_conventions_1.NAME`
 * of instrumentation-http cost two getter calls at every request).
 */
const SEMCONV = '@opentelemetry/semantic-conventions';
const SUBSET_PACKAGES = [SEMCONV, '@opentelemetry/core', '@opentelemetry/resources', '@opentelemetry/sdk-trace', '@opentelemetry/instrumentation', '@opentelemetry/context-async-hooks'];

/** The names `file` reads from its one `require(pkg)`, or undefined when it uses the package otherwise. */
function namesRead(file, pkg) {
  const code = readFileSync(file, 'utf8');
  const declared = code.match(new RegExp(`const (\\w+) = require\\("${pkg.replace(/[/]/g, '\\/')}"\\);`, 'g')) ?? [];
  const binding = /const (\w+) = /.exec(declared[0] ?? '')?.[1];
  if (declared.length !== 1 || !binding) return undefined;
  const uses = code.split(binding).length - 1;
  const names = [...new Set([...code.matchAll(new RegExp(`\\b${binding}\\.(\\w+)`, 'g'))].map((m) => m[1]))];
  const members = [...code.matchAll(new RegExp(`\\b${binding}\\.`, 'g'))].length;
  return uses === members + 1 && names.length > 0 ? names.sort() : undefined;
}

const namedSubset = {
  name: 'named-subset',
  setup(build) {
    build.onResolve({ filter: /^@opentelemetry\// }, (args) => {
      if (args.kind !== 'require-call' || !SUBSET_PACKAGES.includes(args.path)) return undefined;
      const names = namesRead(args.importer, args.path);
      if (names === undefined) {
        if (args.path === SEMCONV) throw new Error(`${args.importer}: uses ${SEMCONV} other than as <binding>.NAME; bundle.js's named-subset cannot list what it needs`);
        return undefined; // the whole package, as esbuild does by itself
      }
      return { path: `${args.importer}?${args.path}`, namespace: 'named-subset', pluginData: { pkg: args.path, names, resolveDir: path.dirname(args.importer) } };
    });
    build.onLoad({ filter: /.*/, namespace: 'named-subset' }, (args) => {
      const { pkg, names, resolveDir } = args.pluginData;
      if (pkg !== SEMCONV) return { contents: `export { ${names.join(', ')} } from '${pkg}';\n`, loader: 'js', resolveDir };
      const all = require(require.resolve(SEMCONV, { paths: [resolveDir] }));
      const values = Object.fromEntries(names.map((name) => [name, all[name]]));
      const odd = names.filter((name) => typeof values[name] !== 'string');
      if (odd.length > 0) throw new Error(`${args.path}: ${SEMCONV} names that are not strings (${odd.join(', ')}); bundle.js's named-subset inlines strings only`);
      return { contents: `module.exports = ${JSON.stringify(values)};\n`, loader: 'js', resolveDir };
    });
  },
};

/**
 * Every `require('@opentelemetry/api')` of the bundle gets src/sdk/api-binding.ts's answer: the
 * API's CommonJS build as installed here at build time (inlined, its version recorded), registered
 * as the installed package where that IS the installed version and nobody loaded it yet; else
 * the installed package, required from node_modules. One copy with the app either way.
 */
const API = '@opentelemetry/api';
const API_ENTRY = require.resolve(API, { paths: [root] });
const API_BINDING = path.join(root, 'dist', 'src', 'sdk', 'api-binding.js');
// Read where the binding reads the installed one at run time, so the two versions compare alike.
const API_VERSION = require(API_BINDING).installedVersion(API_ENTRY);
if (API_VERSION === undefined) throw new Error(`scripts/bundle.js api-binding: no @opentelemetry/api version found beside ${API_ENTRY} (a new layout: look again)`);
const apiBinding = {
  name: 'api-binding',
  setup(build) {
    build.onResolve({ filter: /^@opentelemetry\/api$/ }, (args) => {
      // The binding's own require()s of the installed package (and any require.resolve) stay as they are.
      if (args.namespace === 'api-binding' || args.kind === 'require-resolve') return { path: API, external: true };
      return { path: API, namespace: 'api-binding' };
    });
    build.onLoad({ filter: /.*/, namespace: 'api-binding' }, () => ({
      contents:
        `module.exports = require(${JSON.stringify(API_BINDING)}).bindApi({\n` +
        `  bundledVersion: ${JSON.stringify(API_VERSION)},\n` +
        `  resolveInstalled: () => require.resolve('${API}'),\n` +
        `  loadBundled: () => require(${JSON.stringify(API_ENTRY)}),\n` +
        `  loadInstalled: () => require('${API}'),\n` +
        '});\n',
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/**
 * require-in-the-middle's `debug` logger, loaded only when DEBUG is set: debug reads DEBUG once,
 * when it is loaded, and otherwise logs nothing, but loading it costs its code, supports-color and
 * node:tty at every start. (The app's own copy of debug never reached the bundled one anyway.)
 */
const lazyDebug = {
  name: 'lazy-debug',
  setup(build) {
    build.onResolve({ filter: /^debug$/ }, (args) => {
      if (args.namespace === 'lazy-debug' || !args.importer.includes(`${path.sep}require-in-the-middle${path.sep}`)) return undefined;
      return { path: `${args.importer}?lazy-debug`, namespace: 'lazy-debug' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-debug' }, (args) => ({
      contents:
        "const off = () => Object.assign(() => {}, { enabled: false, extend: off });\n" +
        "module.exports = process.env.DEBUG ? require('debug') : off;\n",
      loader: 'js',
      resolveDir: path.dirname(args.path.replace(/\?lazy-debug$/, '')),
    }));
  },
};

/**
 * A plugin that edits one file of an inlined package: each `find` (which must be there: a new
 * release that changed it fails the build, to be looked at again) becomes its `replace`, and
 * `append` is added at the end of the file.
 */
function sourcePatch({ name, filter, edits, append = '' }) {
  return {
    name,
    setup(build) {
      build.onLoad({ filter }, (args) => {
        let source = readFileSync(args.path, 'utf8');
        for (const { find, replace } of edits) {
          if (!source.includes(find)) throw new Error(`scripts/bundle.js ${name}: ${JSON.stringify(find)} not found in ${args.path}`);
          source = source.split(find).join(replace);
        }
        return { contents: `${source}\n${append}`, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/**
 * require-in-the-middle, as @opentelemetry/instrumentation runs it (one hook for every module,
 * internals on), gets two shortcuts. The build fails if a line is not found (a new release of
 * require-in-the-middle: look again).
 *  - It resolves the main file of a file's package at every require() of a file inside
 *    node_modules, to tell a package's main file from its internals: for an app's start that is
 *    one package.json lookup per file loaded (hundreds for express and openai). A package's main
 *    file does not change while the process runs, so it is resolved once per package directory.
 *  - A hook may carry `skipRequire(id, parent)` (set by `requireFilter` below): a call it says
 *    no instrumentation can hook goes straight to the require() below the hook, without the
 *    hook's second resolution of the file (src/sdk/require-filter.ts).
 */
const ritmShortcuts = sourcePatch({
  name: 'require-in-the-middle-shortcuts',
  filter: /[\\/]require-in-the-middle[\\/]index\.js$/,
  edits: [
    { find: 'res = require.resolve(moduleName, { paths: [basedir] })', replace: 'res = resolveMainOnce(moduleName, basedir)' },
    {
      find: '    } else {\n      try {\n        filename = Module._resolveFilename(id, this)\n',
      replace:
        '    } else if (self.skipRequire !== undefined && self.skipRequire(id, this)) {\n' +
        '      return self._origRequire.apply(this, args)\n' +
        '    } else {\n      try {\n        filename = Module._resolveFilename(id, this)\n',
    },
  ],
  append:
    'const mainFileOf = new Map()\n' +
    'function resolveMainOnce (moduleName, basedir) {\n' +
    "  const key = basedir + '\\0' + moduleName\n" +
    '  let main = mainFileOf.get(key)\n' +
    '  if (main === undefined) {\n' +
    '    main = require.resolve(moduleName, { paths: [basedir] })\n' +
    '    mainFileOf.set(key, main)\n' +
    '  }\n' +
    '  return main\n' +
    '}\n',
});

/**
 * @opentelemetry/instrumentation's one require-in-the-middle hook gets its `skipRequire` (see
 * ritmShortcuts): the calls that cannot load a package its table of hooked names holds, read
 * from that table at each call (src/sdk/require-filter.ts).
 */
const requireFilter = sourcePatch({
  name: 'require-filter',
  filter: /[\\/]@opentelemetry[\\/]instrumentation[\\/]build[\\/]esm[\\/]platform[\\/]node[\\/]RequireInTheMiddleSingleton\.js$/,
  edits: [
    { find: '        new Hook(\n', replace: '        const hook = new Hook(\n' },
    {
      find: '            return exports;\n        });\n    }\n',
      replace:
        '            return exports;\n        });\n' +
        '        hook.skipRequire = (id, parent) => cannotLoadHooked(this._moduleNameTrie, id, parent);\n    }\n',
    },
  ],
  append: `import { cannotLoadHooked } from ${JSON.stringify(path.join(root, 'dist', 'src', 'sdk', 'require-filter.js'))};\n`,
});

/**
 * @opentelemetry/instrumentation reads and parses a package's package.json at every require() of
 * a file of an instrumented package, to learn its version (openai: 150 files, 150 reads of one
 * package.json at an app's start, a seventh of the preload's own start-up CPU in a real app). The
 * version of a package directory does not change while the process runs (its files are loaded
 * from it once), so it is read once per directory. The build fails if the method is not found.
 */
const versionOnce = sourcePatch({
  name: 'version-once',
  filter: /[\\/]@opentelemetry[\\/]instrumentation[\\/]build[\\/]esm[\\/]platform[\\/]node[\\/]instrumentation\.js$/,
  edits: [
    {
      find: '    _extractPackageVersion(baseDir) {\n',
      replace:
        '    _extractPackageVersion(baseDir) {\n' +
        '        if (versionOfDir.has(baseDir)) return versionOfDir.get(baseDir);\n' +
        '        const version = this._readPackageVersion(baseDir);\n' +
        '        versionOfDir.set(baseDir, version);\n' +
        '        return version;\n' +
        '    }\n' +
        '    _readPackageVersion(baseDir) {\n',
    },
  ],
  append: 'const versionOfDir = new Map();\n',
});

/**
 * @opentelemetry/core reads the global `performance` when its module first runs, to hand it out as
 * `otperformance`: in Node that getter loads node:perf_hooks and eight internal modules (0.6 MB
 * of RSS in a bare process, 0.15 MB of a started preload's; issue 10) in a process that may never
 * make a span. aimeter's copy reads the clock through `performance` at each call instead: the same
 * clock, loaded at the first span. The build fails if the line is not found (a new release of
 * core: look again).
 */
const lazyPerformance = sourcePatch({
  name: 'lazy-performance',
  filter: /[\\/]@opentelemetry[\\/]core[\\/]build[\\/]esm[\\/]platform[\\/]node[\\/]index\.js$/,
  edits: [
    {
      find: 'export const otperformance = performance;',
      replace: 'export const otperformance = { now: () => performance.now(), get timeOrigin() { return performance.timeOrigin; } };',
    },
  ],
});

/**
 * @opentelemetry/instrumentation's `import { Hook } from 'import-in-the-middle'` gets
 * src/sdk/esm-hook-gate.ts: the real Hook only where an ES-module loader hook can run, so that a
 * CommonJS app does not load import-in-the-middle and node:worker_threads for Hooks that nothing
 * would ever call. The build fails if the import is no longer there (look again).
 */
const esmHookGate = {
  name: 'esm-hook-gate',
  setup(build) {
    let gated = 0;
    build.onResolve({ filter: /^import-in-the-middle$/ }, (args) => {
      if (!/[\\/]@opentelemetry[\\/]instrumentation[\\/]/.test(args.importer)) return undefined;
      gated += 1;
      return { path: path.join(root, 'dist', 'src', 'sdk', 'esm-hook-gate.js') };
    });
    build.onEnd((result) => {
      if (result.errors.length === 0 && gated === 0) throw new Error('scripts/bundle.js: @opentelemetry/instrumentation no longer imports import-in-the-middle; esm-hook-gate has nothing to gate');
    });
  },
};

/**
 * `import * as api from '@opentelemetry/api'` in an inlined ES module (sdk-trace's Tracer.js)
 * becomes, with the API external, `__toESM(require("@opentelemetry/api"))`: a copy of the API's
 * exports with a getter per name, so every `api.context` or `api.trace` in Tracer.startSpan, at
 * every span, ran that getter on top of the API's own (about 5 us a request in a CPU profile).
 * The API's CommonJS build sets __esModule, so the copy holds the very same names and values as
 * the module itself: the import is read as the module instead. The build fails if no file is
 * rewritten (a new release of sdk-trace: look again).
 */
const API_NAMESPACE_IMPORT = /^import \* as (\w+) from '@opentelemetry\/api';$/m;
const apiNamespaceDirect = {
  name: 'api-namespace-direct',
  setup(build) {
    let rewritten = 0;
    build.onLoad({ filter: /[\\/]@opentelemetry[\\/][^\\/]+[\\/]build[\\/]esm[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const match = API_NAMESPACE_IMPORT.exec(source);
      if (!match) return undefined;
      rewritten += 1;
      return { contents: source.replace(match[0], `const ${match[1]} = require('@opentelemetry/api');`), loader: 'js', resolveDir: path.dirname(args.path) };
    });
    build.onEnd((result) => {
      if (result.errors.length === 0 && rewritten === 0) throw new Error("scripts/bundle.js: no `import * as api from '@opentelemetry/api'` found to rewrite (api-namespace-direct)");
    });
  },
};

/**
 * instrumentation-http is CommonJS and requires @opentelemetry/core and /instrumentation, which
 * the bundle holds as ES modules: each `core_1.hrTime` or `instrumentation_1.safeExecuteInTheMiddle`
 * then goes through two getters (esbuild's CommonJS view of the module, the module's export),
 * several times a request. Their exports are functions, classes and enums set once when the
 * module first runs (neither requires instrumentation-http back), so a copy of them taken at the
 * require holds the same values, as plain properties.
 */
function snapshotEsmRequires(source, file) {
  let out = source;
  for (const name of ['@opentelemetry/core', '@opentelemetry/instrumentation']) {
    const re = new RegExp(`^const (\\w+) = require\\("${name.replace('/', '\\/')}"\\);$`, 'm');
    out = out.replace(re, (_line, binding) => `const ${binding} = { ...require("${name}") };`);
  }
  if (out === source) throw new Error(`scripts/bundle.js: ${file} requires neither @opentelemetry/core nor /instrumentation any more (snapshotEsmRequires: look again)`);
  return out;
}

/**
 * instrumentation-http parses every incoming request's URL with the WHATWG parser to read its
 * path and query (about 10 us a request): aimeter's copy asks src/http/incoming-url.ts first,
 * which answers, without parsing, exactly where the parser would give the request's own text
 * back (test/core/incoming-url.test.ts holds it to the parser); and its Host header parse keeps
 * its last answer. The build fails if either function is not found (a new release of
 * instrumentation-http: look again).
 */
const incomingUrlFastPath = {
  name: 'incoming-url-fast-path',
  setup(build) {
    build.onLoad({ filter: /[\\/]@opentelemetry[\\/]instrumentation-http[\\/]build[\\/]src[\\/](?:http|utils)\.js$/ }, (args) => {
      const source = snapshotEsmRequires(readFileSync(args.path, 'utf8'), args.path);
      if (!/[\\/]utils\.js$/.test(args.path)) return { contents: source, loader: 'js', resolveDir: path.dirname(args.path) };
      const head = 'function getInfoFromIncomingMessage(component, request, logger) {\n';
      if (source.split(head).length !== 2) throw new Error(`scripts/bundle.js: "${head.trim()}" not found once in ${args.path}`);
      const fast = path.join(root, 'dist', 'src', 'http', 'incoming-url.js');
      const first = `${head}    const plain = plainIncomingUrl(request.url ?? '/', request.headers.host);\n    if (plain !== undefined) return plain;\n`;
      // After the "use strict" directive, which must stay the file's first statement.
      const contents = source.replace(head, first).replace(/^("use strict";\n)/, `$1const { plainIncomingUrl } = require(${JSON.stringify(fast)});\n`);
      if (!contents.includes('const { plainIncomingUrl }')) throw new Error(`scripts/bundle.js: no "use strict" line opening ${args.path}`);
      // parseHostHeader (server.address and server.port from the Host header, split anew at every
      // request) remembers its last answer: a pure function of its two arguments, whose one
      // caller, getIncomingRequestAttributes, only reads the object it returns.
      const parse = 'function parseHostHeader(hostHeader, proto) {\n';
      if (contents.split(parse).length !== 2) throw new Error(`scripts/bundle.js: "${parse.trim()}" not found once in ${args.path}`);
      const memo =
        'let lastHostHeader, lastHostProto, lastHostParsed;\n' +
        'function parseHostHeader(hostHeader, proto) {\n' +
        '    if (lastHostParsed === undefined || hostHeader !== lastHostHeader || proto !== lastHostProto) {\n' +
        '        lastHostParsed = parseHostHeaderOnce(hostHeader, proto);\n' +
        '        lastHostHeader = hostHeader;\n' +
        '        lastHostProto = proto;\n' +
        '    }\n' +
        '    return lastHostParsed;\n' +
        '}\n' +
        'function parseHostHeaderOnce(hostHeader, proto) {\n';
      return { contents: contents.replace(parse, memo), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/** Coverage runs: the bundle's inline map keeps only aimeter's own sources (scripts/source-map-filter.js). */
function keepOwnSourcesOnly(file) {
  const code = readFileSync(file, 'utf8');
  const marker = '//# sourceMappingURL=data:application/json;base64,';
  const at = code.lastIndexOf(marker);
  const map = JSON.parse(Buffer.from(code.slice(at + marker.length).trim(), 'base64').toString('utf8'));
  const filtered = filterSourceMap(map, (source) => !source.includes('node_modules/') && !source.endsWith('aimeter-bundle-entry.js'));
  writeFileSync(file, `${code.slice(0, at)}${marker}${Buffer.from(JSON.stringify(filtered)).toString('base64')}\n`);
}

async function main() {
  mkdirSync(path.join(out, 'vendor'), { recursive: true });
  const result = await esbuild.build({
    ...common,
    stdin: {
      // preload() for the register entries, main() for `require('aimeter')`: each runs its part
      // of the bundle on first call only.
      contents: "exports.preload = (o) => require('./sdk/preload.js').preload(o);\nexports.main = () => require('./index.js');\n",
      resolveDir: path.join(root, 'dist', 'src'),
      sourcefile: 'aimeter-bundle-entry.js',
      loader: 'js',
    },
    outfile: path.join(out, 'aimeter.cjs'),
    // Under a coverage run (c8 sets NODE_V8_COVERAGE) the bundle carries an inline source map,
    // which esbuild chains through tsc's maps to src/*.ts, so code run through the preload counts
    // for the files it came from. Never in what is shipped: prepack builds without it.
    // Not minified then: coverage is counted per line of the generated file.
    ...(process.env.NODE_V8_COVERAGE ? { sourcemap: 'inline', sourcesContent: false, minify: false } : {}),
    plugins: [esmHookGate, apiBinding, namedSubset, placement, lazyDebug, ritmShortcuts, requireFilter, versionOnce, lazyPerformance, apiNamespaceDirect, incomingUrlFastPath],
    mainFields: ['module', 'main'],
    metafile: true,
  });
  if (process.env.NODE_V8_COVERAGE) keepOwnSourcesOnly(path.join(out, 'aimeter.cjs'));
  // What went in, for `npm run bench` and a look by hand (not shipped: outside dist/bundle).
  writeFileSync(path.join(root, 'dist', 'bundle-meta.json'), JSON.stringify(result.metafile));
  for (const name of VENDORED) {
    await esbuild.build({
      ...common,
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});\n`, resolveDir: root, sourcefile: `${name}-vendor.js`, loader: 'js' },
      outfile: path.join(out, 'vendor', `${name}.cjs`),
    });
  }

  // The bundle's loader, with the bundle's hash in it (the code cache's key).
  const hash = require('node:crypto').createHash('sha256').update(readFileSync(path.join(out, 'aimeter.cjs'))).digest('hex');
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'dist', 'src', 'sdk', 'bundle-loader.js')],
    outfile: path.join(out, 'loader.cjs'),
    define: { BUNDLE_HASH: JSON.stringify(hash) },
    minify: false,
  });

  // The entry points. `require('aimeter')`'s named exports are listed in the form Node's
  // CommonJS lexer reads, so that `import { traceLlm } from 'aimeter'` works in an ES module.
  const names = Object.keys(require(path.join(root, 'dist', 'src', 'index.js'))).filter((n) => n !== 'default' && n !== '__esModule');
  const header = '// Generated by scripts/bundle.js: the entry into dist/bundle/aimeter.cjs.\n';
  writeFileSync(path.join(out, 'index.cjs'), `${header}'use strict';\nmodule.exports = require('./loader.cjs').loadBundle().main();\n0 && (module.exports = { ${names.join(', ')} });\n`);
  writeFileSync(path.join(out, 'register.cjs'), `${header}'use strict';\nrequire('./loader.cjs').preload({ esmHook: 'esm-entry' });\n`);
  writeFileSync(
    path.join(out, 'register.mjs'),
    `${header}// Waits until the loader hook has acknowledged the modules to instrument before the app's own imports run.\nimport { createRequire } from 'node:module';\n\nconst { preload } = createRequire(import.meta.url)('./loader.cjs');\nawait preload({ esmHook: 'always' }).ready.catch(() => undefined);\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
