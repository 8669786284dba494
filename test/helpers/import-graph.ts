import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Files by path relative to the root, each with the files it imports (relative imports inside the root only). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/**
 * Reads every `.ts` file under `root` and lists its relative imports: static, `import type`,
 * `export ... from` and dynamic `import()`. The TypeScript scanner reads only the import statements
 * (no type checking), so the whole of src/ takes milliseconds. Packages, `node:` modules and files
 * outside `root` (gen/) are not edges; an ambient `.d.ts` is not a module.
 */
export function readImportGraph(root: string): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of typeScriptFiles(root)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'))
      .filter((target) => !relative(root, target).startsWith('..'))
      .map((target) => relative(root, target));
    graph.set(relative(root, file), [...new Set(targets)]);
  }
  return graph;
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The import cycles: every strongly connected set of two or more files (Tarjan), each sorted. */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const members: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      members.push(member);
    } while (member !== file);
    if (members.length > 1 || graph.get(file)?.includes(file)) cycles.push(members.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

/** Layers from the top down; each names folders (`transport/`) or single files (`main.ts`). */
export type LayerMap = readonly { readonly name: string; readonly members: readonly string[] }[];

/** The layer a file belongs to (its position from the top), or undefined when no layer names it. */
export function layerOf(layers: LayerMap, file: string): number | undefined {
  const position = layers.findIndex((layer) =>
    layer.members.some((member) => (member.endsWith('/') ? file.startsWith(member) : file === member)),
  );
  return position === -1 ? undefined : position;
}

/** Every import from a lower layer up to a higher one, as `from -> to`. */
export function findUpwardImports(graph: ImportGraph, layers: LayerMap): string[] {
  return [...graph].flatMap(([file, targets]) =>
    targets
      .filter((target) => (layerOf(layers, target) ?? -1) < (layerOf(layers, file) ?? -1))
      .map((target) => `${file} -> ${target}`),
  );
}
