import { readFile } from 'node:fs/promises';
import type { JsonObject } from '@bufbuild/protobuf';
import { parse } from 'yaml';
import { UsageError } from './exit-codes.js';

/** Reads a JSON or YAML object from a file ("-" is stdin); YAML is a superset of JSON, so one parser reads both. */
export async function readInputFile(path: string): Promise<JsonObject> {
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new UsageError(`${path} is neither JSON nor YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${path} must hold one object`);
  return value as JsonObject;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
