import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** A multipart/form-data body for inject(): fields first, then the file part. */
export async function multipartBody(
  file: string | { name: string; content: Buffer },
  fields: Record<string, string> = {},
  fieldName = 'file',
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const boundary = `----coursecast${Math.random().toString(16).slice(2)}`;
  const name = typeof file === 'string' ? path.basename(file) : file.name;
  const content = typeof file === 'string' ? await readFile(file) : file.content;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; filename="${name}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  const payload = Buffer.concat(parts);
  return {
    payload,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(payload.length),
    },
  };
}
