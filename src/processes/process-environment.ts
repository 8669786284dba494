import type { Engine } from 'bpmn-engine';

export interface ProcessEnvironment {
  readonly variables: Record<string, unknown>;
  assignVariables(variables: object): void;
}

/**
 * The executable process's own environment: scripts read and write process variables there (the
 * engine's and the definition's environments are copies taken at start).
 */
export function processEnvironment(engine: Engine): ProcessEnvironment {
  const definition = engine.execution?.definitions[0] as unknown as
    | { getProcesses(): { environment: ProcessEnvironment }[] }
    | undefined;
  return definition?.getProcesses()[0]?.environment ?? (engine.environment as unknown as ProcessEnvironment);
}
