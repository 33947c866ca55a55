/**
 * Which require() calls cannot load a module that an instrumentation hooks (issue 10, start-up).
 *
 * @opentelemetry/instrumentation runs one require-in-the-middle hook for every module, internals
 * included, so at every require() of a file that is not built in it resolves the file a second
 * time (`Module._resolveFilename`, without the cache Node's own require() uses) to learn its package,
 * and only then asks its table of hooked names. In a real app's start (express and openai:
 * some 700 files) that second resolution is most of what the hook costs, and it makes Node's path
 * functions hot enough for V8 to optimise them again.
 *
 * Where the package is known from the text of the call alone, the call goes straight to the
 * require() below the hook when no instrumentation hooks that package:
 *  - a bare specifier (`debug`, `@scope/pkg/sub`) required by a package's file: the package is its
 *    first segment (two when scoped), which is the `node_modules` folder Node finds it in;
 *  - a relative or absolute path: the package is the one whose `node_modules` folder the path
 *    (joined to the requiring file's folder) is in; a file outside any `node_modules` is the
 *    application's, which require-in-the-middle never hooks.
 * Anything else goes through the hook as before: package `imports` such as `#internal`, a
 * requiring module without a file name, a table this code does not recognise, and bare
 * specifiers in the application's own files, where module-alias or tsconfig-paths may map a name
 * to another package (the hook resolves through them). The table is read at each call, so an
 * instrumentation registered later is seen at once.
 */
import * as path from 'node:path';
import { recordInternalError } from '../internal/errors';

const COMPONENT = 'require-filter';

/** The part of @opentelemetry/instrumentation's ModuleNameTrie read here (private there): its first level of names. */
interface NameTrie {
  readonly _trie?: { readonly children?: ReadonlyMap<string, { readonly children?: ReadonlyMap<string, unknown> }> };
}

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * True when `id`, required by `parent`, cannot be a file of a package hooked in `trie`
 * (require-in-the-middle would hand its exports back untouched). False when unsure.
 */
export function cannotLoadHooked(trie: unknown, id: unknown, parent: { readonly filename?: unknown } | undefined): boolean {
  // Runs inside the application's require(): whatever happens here, the require goes on.
  try {
    const names = (trie as NameTrie | undefined)?._trie?.children;
    if (!(names instanceof Map) || typeof id !== 'string' || id.length === 0) return false;
    const target = packagePathOf(id, parent);
    if (target === undefined) return false;
    if (target === '') return true; // the application's own file
    return !isHooked(names, target);
  } catch (error) {
    recordInternalError(COMPONENT, error);
    return false;
  }
}

/**
 * The package `id` names: `name` or `@scope/name` for a package, '' for a file outside any
 * node_modules folder, undefined when that cannot be told without resolving.
 */
function packagePathOf(id: string, parent: { readonly filename?: unknown } | undefined): string | undefined {
  const first = id.charCodeAt(0);
  if (first === 0x23 /* # */ || id.startsWith('node:')) return undefined;
  let file: string;
  if (first === 0x2e /* . */) {
    if (typeof parent?.filename !== 'string') return undefined;
    file = joinRelative(parent.filename, id);
  } else if (path.isAbsolute(id)) {
    file = path.resolve(id);
  } else {
    // A bare name from the application's own files may be an alias (see above): not told here.
    if (typeof parent?.filename !== 'string' || !parent.filename.includes(NODE_MODULES)) return undefined;
    return packageOfSpecifier(id.split('/'));
  }
  const at = file.lastIndexOf(NODE_MODULES);
  if (at === -1) return '';
  return packageOfSpecifier(file.slice(at + NODE_MODULES.length).split(path.sep));
}

/**
 * The absolute path a relative `id` names from the file `from`, as path.resolve() would give it
 * (no file system access), by string operations alone: path.resolve() is what Node's resolver
 * runs hot at start, and calling it here as well, for every relative require() of a package
 * file, made V8 optimise it (and the normalizeString() under it) earlier, on thinner type
 * feedback, then throw that code away and optimise again: two more TurboFan compiles in a real
 * app's start, part of the peak RSS issue 10 counts.
 */
function joinRelative(from: string, id: string): string {
  let dir = from.slice(0, Math.max(from.lastIndexOf(path.sep), 0)) || path.sep;
  for (const segment of path.sep === '/' ? id.split('/') : id.split(/[\\/]/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      const cut = dir.lastIndexOf(path.sep);
      // At the root (`/`, `C:\\`) `..` stays there, as in path.resolve().
      dir = cut <= 0 || (cut === 2 && dir[1] === ':') ? dir.slice(0, cut + 1) || path.sep : dir.slice(0, cut);
      continue;
    }
    dir = dir.endsWith(path.sep) ? dir + segment : dir + path.sep + segment;
  }
  return dir;
}

function packageOfSpecifier(segments: string[]): string | undefined {
  const [head, second] = segments;
  if (!head) return undefined;
  if (head.startsWith('@')) return second ? `${head}/${second}` : undefined;
  return head;
}

/** Whether any hook's name starts with the package (ModuleNameTrie keys names by '/'-separated parts). */
function isHooked(names: ReadonlyMap<string, { readonly children?: ReadonlyMap<string, unknown> }>, pkg: string): boolean {
  const slash = pkg.indexOf('/');
  if (slash === -1) return names.has(pkg);
  const scope = names.get(pkg.slice(0, slash));
  if (scope === undefined) return false;
  // A scope with hooks of its own name, or a table of a shape not known here: let the hook decide.
  return !(scope.children instanceof Map) || scope.children.has(pkg.slice(slash + 1));
}
