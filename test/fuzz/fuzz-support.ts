/**
 * What the API fuzzer sends requests with and checks responses against: a raw HTTP client (so
 * badly encoded paths and odd bodies reach the server exactly as generated) and the checks every
 * response must pass whatever was sent.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest, Agent } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { toJson } from './big-integers.js';
import type { FormPart, FuzzRequest } from './openapi-arbitraries.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** Closes the kept-alive sockets (call after the app closed, or before). */
export const destroyAgent = (): void => agent.destroy();

/** Sends `req` to `baseUrl` as is: no re-encoding of the path, the body bytes as generated. */
export function send(
  baseUrl: string,
  req: FuzzRequest,
  authorization: string | undefined,
): Promise<RawResponse> {
  const base = new URL(baseUrl);
  const headers: Record<string, string | number> = { ...req.headers, accept: 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  let payload: Buffer | undefined;
  if (req.body?.kind === 'json') {
    payload = Buffer.from(toJson(req.body.value) ?? 'null', 'utf8');
    headers['content-type'] = 'application/json';
  } else if (req.body?.kind === 'raw') {
    payload = Buffer.from(req.body.text, 'utf8');
    if (req.body.contentType !== undefined) headers['content-type'] = req.body.contentType;
  } else if (req.body?.kind === 'multipart') {
    const boundary = `----fuzz${randomBytes(12).toString('hex')}`;
    payload = encodeForm(req.body.parts, boundary);
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  }
  if (payload) headers['content-length'] = payload.length;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: req.method.toUpperCase(),
        path: req.url,
        headers,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          if (/json/.test(String(res.headers['content-type'] ?? '')) && text.length > 0) {
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('request timed out after 30 s')));
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      // The server may answer (413) and close before a big body is fully written: that is fine.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') {
        resolve({ status: -1, headers: {}, text: error.code, body: undefined });
      } else reject(error);
    });
    if (payload) outgoing.end(payload);
    else outgoing.end();
  });
}

/** A name or file name as browsers put it in a part header (quotes and line breaks escaped). */
const quoted = (value: string): string =>
  `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;

/** `parts` as a `multipart/form-data` body, as a browser's FormData sends it. */
function encodeForm(parts: readonly FormPart[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `Content-Disposition: form-data; name=${quoted(part.name)}`;
    if ('file' in part) {
      const type = part.file.contentType.replace(/[^\x20-\x7e]/g, '');
      chunks.push(
        Buffer.from(
          `--${boundary}\r\n${disposition}; filename=${quoted(part.file.filename)}\r\n` +
            `Content-Type: ${type || 'application/octet-stream'}\r\n\r\n`,
          'utf8',
        ),
        part.file.data,
        Buffer.from('\r\n'),
      );
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\n${disposition}\r\n\r\n${part.value}\r\n`, 'utf8'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** A readable summary of form parts: names, text values cut, files as name, type and size. */
function describeForm(parts: readonly FormPart[], cut: (s: string) => string): string {
  const each = parts.map((p) =>
    'file' in p
      ? `${p.name}=<${cut(p.file.filename)} ${p.file.contentType}, ${p.file.data.length} bytes>`
      : `${p.name}=${cut(JSON.stringify(p.value))}`,
  );
  return `multipart {${each.join(', ')}}`;
}

const ERROR_KEYS = new Set(['statusCode', 'error', 'message', 'code', 'requestId', 'details']);

/** Why `res` is not the one error shape of its status, or `undefined` when it is. */
export function errorShapeProblem(res: RawResponse): string | undefined {
  if (!/^application\/json/.test(String(res.headers['content-type'] ?? '')))
    return `content-type ${String(res.headers['content-type'])}`;
  const body = res.body as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'not a JSON object';
  const extra = Object.keys(body).filter((k) => !ERROR_KEYS.has(k));
  if (extra.length > 0) return `unexpected keys ${extra.join(', ')}`;
  if (body.statusCode !== res.status) return `statusCode ${String(body.statusCode)}`;
  if (typeof body.error !== 'string' || body.error !== STATUS_CODES[res.status])
    return `error ${JSON.stringify(body.error)}`;
  if (typeof body.message !== 'string' || body.message.length === 0) return 'message';
  if (typeof body.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(body.code)) return 'code';
  if (typeof body.requestId !== 'string' || body.requestId.length === 0) return 'requestId';
  if (body.requestId !== res.headers['x-request-id']) return 'requestId differs from X-Request-Id';
  if (
    'details' in body &&
    (typeof body.details !== 'object' || body.details === null) // an array or an object
  )
    return 'details';
  return undefined;
}

/** Signs of internals: stack frames, ORM and driver error names, file paths. */
const INTERNALS: ReadonlyArray<[string, RegExp]> = [
  ['a stack frame', /\n\s+at [^\n]+(\(|:\d+:\d+)/],
  ['a stack frame', /\bat (?:async )?[\w$.<>]+ \([^)]*:\d+:\d+\)/],
  ['an ORM error', /QueryFailedError|EntityNotFound|TypeORMError|EntityPropertyNotFound/],
  ['a driver error', /DatabaseError|error: .* at character \d+|node_modules|pg-protocol/],
  ['a source path', /\/(?:src|dist|work|home|usr)\/[\w./-]+\.(?:ts|js|mjs)/],
];

/** SQL the server may have leaked; each match is checked against what the client sent. */
const SQL = [
  /\b(?:SELECT|UPDATE|DELETE)\b[\s\S]{1,200}?\b(?:FROM|SET|WHERE)\b/gi,
  /\bINSERT\s+INTO\b/gi,
  /\b(?:syntax error at or near|violates (?:check|unique|foreign key|not-null) constraint|duplicate key value|invalid input syntax for|value out of range|out of range for type|relation "[^"]+"|column "[^"]+"|invalid byte sequence|unsupported Unicode escape)/gi,
];

/**
 * Why `res` leaks internals, or `undefined`. SQL-looking text counts only when the request did
 * not contain it (a product may well be named `SELECT * FROM x`, and a list shows that name).
 */
export function leakProblem(res: RawResponse, sentText: string): string | undefined {
  for (const [what, pattern] of INTERNALS) {
    const match = pattern.exec(res.text);
    if (match && !sentText.includes(match[0])) return `${what}: ${match[0].slice(0, 120)}`;
  }
  for (const pattern of SQL) {
    for (const match of res.text.matchAll(pattern)) {
      if (!sentText.toLowerCase().includes(match[0].toLowerCase()))
        return `SQL or a database message: ${match[0].slice(0, 120)}`;
    }
  }
  return undefined;
}

/** A readable, bounded description of a request and its response, for failure messages. */
export function describeCase(
  actor: string,
  req: FuzzRequest,
  res: RawResponse | undefined,
  limit = 600,
): string {
  const cut = (s: string): string => (s.length > limit ? `${s.slice(0, limit)}… (${s.length})` : s);
  const body =
    req.body === undefined
      ? '(none)'
      : req.body.kind === 'raw'
        ? `${req.body.label} [${String(req.body.contentType)}]`
        : req.body.kind === 'multipart'
          ? describeForm(req.body.parts, cut)
          : cut(toJson(req.body.value) ?? 'undefined');
  return [
    `${req.operationId} as ${actor}: ${req.method.toUpperCase()} ${cut(req.url)}`,
    `  headers: ${cut(JSON.stringify(req.headers))}`,
    `  body: ${body}`,
    res ? `  → ${res.status} ${cut(res.text)}` : '  → (no response)',
  ].join('\n');
}

/** The text of everything the client sent (for telling echoed input from leaked internals). */
export function sentText(req: FuzzRequest): string {
  let decodedUrl = req.url;
  try {
    decodedUrl = decodeURIComponent(req.url);
  } catch {
    // a deliberately bad encoding: compare with the raw URL
  }
  const body =
    req.body === undefined
      ? ''
      : req.body.kind === 'raw'
        ? req.body.text
        : req.body.kind === 'multipart'
          ? req.body.parts
              .map((p) => ('file' in p ? `${p.name}\n${p.file.filename}` : `${p.name}\n${p.value}`))
              .join('\n')
          : (toJson(req.body.value) ?? '');
  return [decodedUrl, req.url, JSON.stringify(req.headers), body, ...Object.values(req.pathParams)]
    .join('\n')
    .concat(req.body?.kind === 'json' ? `\n${flattenStrings(req.body.value).join('\n')}` : '');
}

function flattenStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) flattenStrings(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      flattenStrings(v, out);
    }
  return out;
}
