import { Children, cloneElement, isValidElement, type ReactElement, type ReactNode, useId } from 'react';

/** A label bound to its control (the first child), with help text that screen readers read after the label. */
export function Field({
  label,
  help,
  children,
}: {
  readonly label: string;
  readonly help?: string;
  readonly children: ReactNode;
}) {
  const controlId = useId();
  const helpId = useId();
  let bound = false;
  const described = Children.map(children, (child) => {
    if (bound || !isValidElement(child)) return child;
    bound = true;
    return cloneElement(child as ReactElement<{ id?: string; 'aria-describedby'?: string }>, {
      id: controlId,
      ...(help && { 'aria-describedby': helpId }),
    });
  });
  return (
    <div className="field">
      <label htmlFor={controlId}>{label}</label>
      {described}
      {help && (
        <small id={helpId} className="help">
          {help}
        </small>
      )}
    </div>
  );
}
