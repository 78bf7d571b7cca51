import { MAX_PROFILE_BYTES } from '../../store/profiles-slice';

export type ReadProfile = { ok: true; fileName: string; text: string } | { ok: false; code: 'profile.too_large' | 'profile.unreadable'; message: string };

/** A dropped or picked file's text; too large or unreadable files are refused before main sees them. */
export async function readProfileFile(file: File): Promise<ReadProfile> {
  if (file.size > MAX_PROFILE_BYTES) return { ok: false, code: 'profile.too_large', message: `${file.name} is ${file.size} bytes.` };
  try {
    return { ok: true, fileName: file.name, text: await file.text() };
  } catch (error) {
    return { ok: false, code: 'profile.unreadable', message: error instanceof Error ? error.message : String(error) };
  }
}
