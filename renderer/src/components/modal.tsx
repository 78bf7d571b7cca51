import { useId, useLayoutEffect, useRef } from 'react';
import type { ReactNode } from 'react';

interface Props {
  title: string;
  onCancel(): void;
  testId: string;
  kind?: string;
  children: ReactNode;
}

/**
 * A native modal <dialog>: the browser traps focus and makes the rest of the window
 * inert; Escape fires `cancel`, routed to onCancel. Focus lands on the element marked
 * `data-autofocus`, else the browser's pick (the first focusable field).
 */
export function Modal({ title, onCancel, testId, kind, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelled = useRef(false);
  const titleId = useId();
  const cancel = (): void => {
    if (cancelled.current) return;
    cancelled.current = true;
    onCancel();
  };
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    cancelled.current = false; // StrictMode (dev) unmounts and mounts again: open afresh
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      cancelled.current = true; // closing on unmount is not the person cancelling
      if (dialog.open) dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} aria-labelledby={titleId} aria-modal="true" data-testid={testId} data-kind={kind}
      onCancel={(event) => { event.preventDefault(); cancel(); }}
      // Chromium may close without a cancelable `cancel` (repeated Escape): treat that as cancel too.
      onClose={cancel}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
