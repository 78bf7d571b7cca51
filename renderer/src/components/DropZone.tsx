import { useRef, useState } from 'react';
import type { DragEvent, ReactNode } from 'react';
import { useApp } from '../store/use-app';

const MAX_PROFILE_BYTES = 512 * 1024;

/** The whole window takes a dropped .ovpn; a visible target appears while a file is dragged over it. */
export function DropZone({ children }: { children: ReactNode }) {
  const preview = useApp((s) => s.preview);
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes('Files');
  return (
    <div
      className="drop-zone"
      data-testid="drop-zone"
      onDragEnter={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        depth.current += 1;
        setDragging(true);
      }}
      onDragOver={(event) => { if (hasFiles(event)) event.preventDefault(); }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        depth.current = 0;
        setDragging(false);
        const file = event.dataTransfer.files[0];
        if (file) void readProfile(file).then((text) => preview(file.name, text));
      }}
    >
      {children}
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          <div className="drop-target">Drop your .ovpn profile to import it</div>
        </div>
      )}
    </div>
  );
}

/** A profile's text; an oversized file is cut, and the parser then says it is too large. */
export async function readProfile(file: File): Promise<string> {
  return (file.size > MAX_PROFILE_BYTES ? file.slice(0, MAX_PROFILE_BYTES + 1) : file).text();
}
