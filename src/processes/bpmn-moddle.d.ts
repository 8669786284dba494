// bpmn-moddle (bpmn-engine's own parser) ships no types: the little this service reads of it.
declare module 'bpmn-moddle' {
  export interface ModdleElement {
    readonly $type: string;
    readonly id?: string;
    readonly name?: string;
    readonly isExecutable?: boolean;
    readonly flowElements?: readonly ModdleElement[];
    readonly rootElements?: readonly ModdleElement[];
    readonly sourceRef?: ModdleElement;
    readonly targetRef?: ModdleElement;
    readonly [key: string]: unknown;
  }
  export interface ParseWarning {
    readonly message: string;
  }
  export interface ParseResult {
    readonly rootElement: ModdleElement;
    readonly warnings: readonly ParseWarning[];
    readonly elementsById: Readonly<Record<string, ModdleElement>>;
    readonly references: readonly unknown[];
  }
  export default class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<ParseResult>;
  }
}
