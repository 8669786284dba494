import { useEffect, useRef, useState } from 'react';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';

interface BpmnDiagramProps {
  readonly xml: string;
  /** What the figure shows, for readers who cannot see it. */
  readonly label: string;
  /** Activities an instance has been through. */
  readonly done?: readonly string[];
  /** Activities it is in or waits at. */
  readonly current?: readonly string[];
}

/**
 * A definition's diagram, drawn by the bpmn-js viewer (loaded on first use, in a chunk of its own, so
 * the other pages do not carry it). A definition exported without a layout (no BPMNDI) cannot be
 * drawn: that is said in words.
 */
export function BpmnDiagram({ xml, label, done = [], current = [] }: BpmnDiagramProps) {
  const container = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string>();
  const doneKey = done.join(' ');
  const currentKey = current.join(' ');
  useEffect(() => {
    let cancelled = false;
    let destroy = () => {};
    setProblem(undefined);
    (async () => {
      const { default: NavigatedViewer } = await import('bpmn-js/lib/NavigatedViewer');
      if (cancelled || !container.current) return;
      const viewer = new NavigatedViewer({ container: container.current });
      destroy = () => viewer.destroy();
      try {
        await viewer.importXML(xml);
      } catch (error) {
        if (!cancelled) setProblem(`The diagram cannot be drawn: ${(error as Error).message}`);
        return;
      }
      const canvas = viewer.get<{ zoom(level: string): void; addMarker(id: string, marker: string): void }>('canvas');
      const registry = viewer.get<{ get(id: string): unknown }>('elementRegistry');
      canvas.zoom('fit-viewport');
      const mark = (ids: string, marker: string) => {
        for (const id of ids.split(' ').filter((item) => registry.get(item))) canvas.addMarker(id, marker);
      };
      mark(doneKey, 'activity-done');
      mark(currentKey, 'activity-current');
    })().catch((error: unknown) => !cancelled && setProblem(`The diagram viewer did not load: ${(error as Error).message}`));
    return () => {
      cancelled = true;
      destroy();
    };
  }, [xml, doneKey, currentKey]);
  return (
    <figure className="diagram">
      <div ref={container} className="diagram-canvas" role="img" aria-label={label} data-testid="bpmn-diagram" />
      {problem ? (
        <figcaption className="error">{problem}</figcaption>
      ) : (
        (done.length > 0 || current.length > 0) && (
          <figcaption className="muted">
            <span className="legend legend-done">green</span>: activities passed;{' '}
            <span className="legend legend-current">amber</span>: where the instance is now.
          </figcaption>
        )
      )}
    </figure>
  );
}
