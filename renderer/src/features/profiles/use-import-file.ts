import { pathOfFile } from '../../api/create-app-api';
import { usePosternStore } from '../../store/use-postern-store';
import { readProfileFile } from './read-profile-file';

/** Reads a file and asks main for its verdict; shared by the drop zone and the file picker. */
export function useImportFile(): (file: File) => Promise<void> {
  const preview = usePosternStore((s) => s.preview);
  const showError = usePosternStore((s) => s.showError);
  return async (file) => {
    const read = await readProfileFile(file);
    if (read.ok) await preview(read.fileName, read.text, pathOfFile(file));
    else showError(read.code, read.message);
  };
}
