import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';

interface Props {
  title: string;
  onCancel(): void;
  testId: string;
  kind?: string;
  children: ReactNode;
}

/**
 * A native modal <dialog>: the browser traps focus, Escape fires `cancel` (which we
 * route to onCancel), and focus lands on the first field marked autoFocus.
 */
export function Modal({ title, onCancel, testId, kind, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby={titleId} data-testid={testId} data-kind={kind}
      onCancel={(event) => { event.preventDefault(); onCancel(); }}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
