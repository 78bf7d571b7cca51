/**
 * Text that came from outside (a profile's name, a server's message, a client's name) made
 * safe for a log line or a terminal: control characters (C0 but tab, DEL, C1) are written
 * out as \\uXXXX instead of being obeyed, so nobody can forge a log line with a newline or
 * restyle a terminal with an escape sequence. Printable text is left exactly as it was.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
