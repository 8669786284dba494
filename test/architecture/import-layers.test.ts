import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, findUpwardImports, layerOf, readImportGraph, type LayerMap } from '../helpers/import-graph.js';

/**
 * The layers of src/, from the top down (docs/architecture.md). A file may import files of its own
 * layer or of the layers below it, never above; and no chain of imports may come back to where it
 * started. A new folder must be given its layer here.
 */
const layers: LayerMap = [
  {
    name: 'composition',
    members: ['main.ts', 'executor-main.ts', 'compose.ts', 'compose-executors.ts', 'server.ts', 'cli/'],
  },
  { name: 'edges', members: ['transport/', 'auth/', 'metrics/'] },
  { name: 'application', members: ['commands/', 'delivery/', 'providers/', 'notify/'] },
  { name: 'execution', members: ['executors/', 'processes/'] },
  { name: 'infrastructure', members: ['store/', 'tracing/'] },
  { name: 'base', members: ['domain/', 'router/', 'sources/', 'config/', 'errors.ts'] },
];

const graph = readImportGraph(fileURLToPath(new URL('../../src', import.meta.url)));

describe('the import graph of src/', () => {
  it('places every file in a layer', () => {
    expect([...graph.keys()].filter((file) => layerOf(layers, file) === undefined)).toEqual([]);
  });

  it('has no import from a layer up to one above it', () => {
    expect(findUpwardImports(graph, layers)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(findCycles(graph)).toEqual([]);
  });
});

describe('the import graph checks', () => {
  const sample = new Map([
    ['transport/route.ts', ['commands/bus.ts']],
    ['commands/bus.ts', ['store/rows.ts']],
    ['store/rows.ts', ['commands/bus.ts', 'store/util.ts']],
    ['store/util.ts', []],
  ]);
  const sampleLayers: LayerMap = [
    { name: 'edges', members: ['transport/'] },
    { name: 'application', members: ['commands/'] },
    { name: 'infrastructure', members: ['store/'] },
  ];

  it('report an import up a layer', () => {
    expect(findUpwardImports(sample, sampleLayers)).toEqual(['store/rows.ts -> commands/bus.ts']);
  });

  it('report a cycle with every file on it', () => {
    expect(findCycles(sample)).toEqual([['commands/bus.ts', 'store/rows.ts']]);
  });

  it('read import type, export from and dynamic import as edges', () => {
    const helpers = readImportGraph(fileURLToPath(new URL('../fixtures/import-graph', import.meta.url)));
    expect(helpers.get('a.ts')).toEqual(['b.ts', 'c.ts', 'd.ts']);
  });
});
