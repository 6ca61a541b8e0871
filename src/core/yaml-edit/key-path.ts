/**
 * Key paths into YAML documents: `image.tag`, `containers[0].image`,
 * `containers[name=web].image`, `annotations["app.kubernetes.io/version"]`.
 */
export type KeySegment =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'match'; field: string; value: string };

export type ParsedKeyPath = { ok: true; segments: KeySegment[] } | { ok: false; error: string };

const IDENT = /^[A-Za-z0-9_-]+/;

export function parseKeyPath(path: string): ParsedKeyPath {
  const segments: KeySegment[] = [];
  let rest = path;
  let first = true;
  const fail = (why: string): ParsedKeyPath => ({
    ok: false,
    error: `invalid key path "${path}": ${why}; expected e.g. "image.tag", "containers[0].image" or "containers[name=web].image"`,
  });
  while (rest.length > 0) {
    if (rest.startsWith('[')) {
      const close = closingBracket(rest);
      if (close < 0) return fail('unclosed "["');
      const inner = rest.slice(1, close);
      rest = rest.slice(close + 1);
      if (/^[0-9]+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner))
        segments.push({ kind: 'key', key: JSON.parse(inner) as string });
      else {
        const match = /^([A-Za-z0-9_-]+)=(?:"((?:[^"\\]|\\.)*)"|([^\]"]+))$/.exec(inner);
        if (!match) return fail(`"[${inner}]" is not an index, a quoted key or a field=value match`);
        const value = match[2] !== undefined ? (JSON.parse(`"${match[2]}"`) as string) : match[3]!;
        segments.push({ kind: 'match', field: match[1]!, value });
      }
    } else {
      if (!first) {
        if (!rest.startsWith('.')) return fail(`unexpected "${rest[0]}"`);
        rest = rest.slice(1);
      }
      const ident = IDENT.exec(rest);
      if (!ident) return fail(rest.length === 0 ? 'ends with "."' : `unexpected "${rest[0]}"`);
      segments.push({ kind: 'key', key: ident[0] });
      rest = rest.slice(ident[0].length);
    }
    first = false;
  }
  if (segments.length === 0) return fail('it is empty');
  return { ok: true, segments };
}

function closingBracket(text: string): number {
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ']' && !quoted) return i;
  }
  return -1;
}

export function formatKeyPath(segments: readonly KeySegment[]): string {
  return segments
    .map((s, i) => {
      if (s.kind === 'index') return `[${s.index}]`;
      if (s.kind === 'match')
        return `[${s.field}=${/^[\w.-]+$/.test(s.value) ? s.value : JSON.stringify(s.value)}]`;
      if (!/^[A-Za-z0-9_-]+$/.test(s.key)) return `[${JSON.stringify(s.key)}]`;
      return i === 0 ? s.key : `.${s.key}`;
    })
    .join('');
}
