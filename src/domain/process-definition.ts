/** A deployed BPMN definition, one version of its name. */
export interface ProcessDefinition {
  readonly id: number;
  readonly name: string;
  readonly version: number;
  readonly processId: string;
  readonly description: string;
  readonly bpmnXml: string;
  readonly deployedAt: Date;
  readonly deployedBy: string;
}
