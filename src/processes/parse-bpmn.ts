import BpmnModdle, { type ModdleElement, type ParseResult } from 'bpmn-moddle';

/** Bounds on what DeployProcessDefinitionCommand accepts. */
export const bpmnLimits = {
  /** UTF-8 bytes of the document. */
  maxXmlBytes: 1024 * 1024,
  maxElements: 5_000,
} as const;

export type BpmnCheck =
  | { readonly ok: true; readonly processId: string; readonly parsed: ParseResult }
  | { readonly ok: false; readonly problems: string[] };

/**
 * Parses a BPMN 2.0 document with bpmn-engine's own parser and refuses what a bank should not run:
 * a DTD or entity declarations (refused before parsing, so nothing is expanded), a document over the
 * size or element bound (also before parsing), malformed XML, no executable process, or a reference to an element that is not there.
 */
export async function parseBpmn(xml: string): Promise<BpmnCheck> {
  if (xml.trim() === '') return fail('BPMN XML is required');
  if (Buffer.byteLength(xml, 'utf8') > bpmnLimits.maxXmlBytes) {
    return fail(`BPMN XML must be at most ${bpmnLimits.maxXmlBytes} bytes`);
  }
  if (/<!(DOCTYPE|ENTITY)/i.test(xml)) return fail('BPMN XML must not contain a DTD or entity declarations');
  // Every start tag counts, with an id or without, and before the parser builds any of them.
  if ((xml.match(/<[A-Za-z_]/g)?.length ?? 0) > bpmnLimits.maxElements) {
    return fail(`BPMN XML must have at most ${bpmnLimits.maxElements} elements`);
  }
  let parsed: ParseResult;
  try {
    parsed = await new BpmnModdle().fromXML(xml);
  } catch (error) {
    return fail(`BPMN XML is not a valid BPMN 2.0 document: ${firstLine(error)}`);
  }
  const problems = parsed.warnings.map((warning) => `BPMN XML is not valid: ${firstLine(warning.message)}`);
  const processes = (parsed.rootElement.rootElements ?? []).filter((element) => element.$type === 'bpmn:Process');
  const executable = processes.find((process) => process.isExecutable === true);
  if (!executable?.id) problems.push('BPMN XML must contain an executable process (isExecutable="true")');
  for (const process of processes) problems.push(...flowProblems(process));
  if (problems.length > 0 || !executable?.id) return { ok: false, problems: [...new Set(problems)] };
  return { ok: true, processId: executable.id, parsed };
}

/** Flows that name no source or target, and an executable process that cannot start. */
function flowProblems(process: ModdleElement): string[] {
  const elements = process.flowElements ?? [];
  const problems = elements
    .filter((element) => element.$type === 'bpmn:SequenceFlow' && (!element.sourceRef || !element.targetRef))
    .map((flow) => `Sequence flow "${flow.id ?? ''}" must have a sourceRef and a targetRef that exist`);
  if (process.isExecutable === true && !elements.some((element) => element.$type === 'bpmn:StartEvent')) {
    problems.push(`Process "${process.id ?? ''}" has no start event`);
  }
  return problems;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 200);
}

function fail(problem: string): BpmnCheck {
  return { ok: false, problems: [problem] };
}
