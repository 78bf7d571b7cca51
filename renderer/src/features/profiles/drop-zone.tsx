import { useRef, useState } from 'react';
import type { DragEvent, ReactNode } from 'react';
import { useImportFile } from './use-import-file';

/** The whole window takes a dropped profile; a visible target appears while a file is dragged over it. */
export function DropZone({ children }: { children: ReactNode }) {
  const importFile = useImportFile();
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them to know when the file really left.
  const depth = useRef(0);
  const hasFiles = (event: DragEvent): boolean => Array.from(event.dataTransfer.types).includes('Files');
  return (
    <div
      className="drop-zone"
      data-testid="drop-zone"
      data-dragging={dragging}
      onDragEnter={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        depth.current += 1;
        setDragging(true);
      }}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        depth.current = 0;
        setDragging(false);
        const file = event.dataTransfer.files[0];
        if (file) void importFile(file);
      }}
    >
      {children}
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          <div className="drop-target">Drop your .ovpn profile to import it</div>
        </div>
      )}
    </div>
  );
}
