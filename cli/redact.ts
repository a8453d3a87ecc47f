/**
 * Defence in depth: credentials are refused as input, yet anything that looks like one is
 * masked before it reaches stdout, stderr, plan.json or a pull-request comment.
 */
const PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key IDs
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, // Slack
];

/** `scheme://user:password@` and `https://<token>@`: the user part alone (`ssh://git@`) is kept. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:'"]+):([^\s/@'"]*)@|\b(https?:\/\/)([^\s/@:'"]{20,})@/gi;

export const REDACTED = "[redacted]";

export function redact(text: string): string {
  let out = text.replace(URL_CREDENTIALS, (_, scheme?: string, _user?: string, _password?: string, httpScheme?: string) => `${scheme ?? httpScheme}${REDACTED}@`);
  for (const pattern of PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/** Masks credentials in everything written to `stream` (stdout, stderr). */
export function redactStream(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === "string" ? redact(chunk) : Buffer.isBuffer(chunk) ? redact(chunk.toString("utf8")) : chunk, ...rest)) as typeof stream.write;
}
