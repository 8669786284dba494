import { useCallback, useState } from 'react';

/**
 * Whether the reader is in the middle of something: the pointer over the list or the keyboard focus
 * inside it. Auto-refresh waits meanwhile, so rows do not move under the reader's eyes or cursor.
 */
export function useReading() {
  const [pointer, setPointer] = useState(false);
  const [focus, setFocus] = useState(false);
  const handlers = {
    onPointerEnter: useCallback(() => setPointer(true), []),
    onPointerLeave: useCallback(() => setPointer(false), []),
    onFocus: useCallback(() => setFocus(true), []),
    onBlur: useCallback((event: { currentTarget: Element; relatedTarget: Element | null }) => {
      if (!event.currentTarget.contains(event.relatedTarget)) setFocus(false);
    }, []),
  };
  return { reading: pointer || focus, handlers };
}
