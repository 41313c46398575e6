// The header of a report file: comment lines at the top of cypher/<name>.cypher, before the first Cypher line.
//
//   // @title Top products by category and month
//   // @description One or more lines; a line starting with `//   ` (indented) continues the previous tag.
//   // @param top int = 3 -- products per category and month
//   // @param segment enum(loyaltyTier|region) = "loyaltyTier" -- the attribute to group by
//   // @columns category, month, rank
//   // @indexes category_level
//
// Types: string, int, float, bool, enum(a|b|...). Defaults are JSON ("text", 3, 0.5, true). Every parameter has a
// default, so every report runs with no flags.
import { validationError } from '../../core';

export type ParamType =
  | { kind: 'string' }
  | { kind: 'int' }
  | { kind: 'float' }
  | { kind: 'bool' }
  | { kind: 'enum'; values: string[] };

export type ParamValue = string | number | boolean;

export interface ReportParam {
  name: string;
  type: ParamType;
  default: ParamValue;
  description: string;
}

export interface ReportHeader {
  title: string;
  description: string;
  params: ReportParam[];
  columns: string[];
  indexes: string[];
}

const PARAM_RE =
  /^([A-Za-z][A-Za-z0-9_]*)\s+(string|int|float|bool|enum\(([^)]*)\))\s*=\s*(.+?)\s*(?:--\s*(.*))?$/;

export function parseHeader(text: string, file: string): ReportHeader {
  const tags: { tag: string; value: string; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.startsWith('//')) break;
    const body = line.slice(2);
    const tag = /^ @([a-z]+)\s*(.*)$/.exec(body);
    if (tag) tags.push({ tag: tag[1], value: tag[2].trim(), line: i + 1 });
    else if (/^\s{2,}\S/.test(body) && tags.length > 0) tags[tags.length - 1].value += ` ${body.trim()}`;
    else if (body.trim() !== '')
      throw validationError(
        `a header line must be '// @tag value' or an indented continuation, but got: ${line}`,
        {
          file,
          line: i + 1,
        },
      );
  }
  const one = (name: string): string => {
    const found = tags.filter((t) => t.tag === name);
    if (found.length !== 1)
      throw validationError(`the header must have exactly one @${name}, but has ${found.length}`, {
        file,
        field: `@${name}`,
      });
    return found[0].value;
  };
  const known = new Set(['title', 'description', 'param', 'columns', 'indexes']);
  for (const t of tags)
    if (!known.has(t.tag))
      throw validationError(`unknown header tag @${t.tag} (known: ${[...known].join(', ')})`, {
        file,
        line: t.line,
      });
  const list = (name: string) =>
    tags
      .filter((t) => t.tag === name)
      .flatMap((t) => t.value.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const params = tags.filter((t) => t.tag === 'param').map((t) => parseParam(t.value, file, t.line));
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(p.name))
      throw validationError(`parameter ${p.name} is declared twice`, { file, field: `@param ${p.name}` });
    seen.add(p.name);
  }
  return {
    title: one('title'),
    description: one('description'),
    params,
    columns: list('columns'),
    indexes: list('indexes'),
  };
}

function parseParam(value: string, file: string, line: number): ReportParam {
  const m = PARAM_RE.exec(value);
  if (!m)
    throw validationError(
      `@param must look like 'name type = default -- description' (types string, int, float, bool, enum(a|b)), but got: ${value}`,
      { file, line },
    );
  const [, name, typeText, enumValues, defaultText, description] = m;
  const type: ParamType =
    enumValues !== undefined
      ? {
          kind: 'enum',
          values: enumValues
            .split('|')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
        }
      : { kind: typeText as 'string' | 'int' | 'float' | 'bool' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(defaultText);
  } catch {
    throw validationError(`the default of ${name} must be JSON ("text", 3, true), but got: ${defaultText}`, {
      file,
      line,
      field: name,
    });
  }
  const def = coerceDefault(name, type, parsed, file, line);
  return { name, type, default: def, description: description ?? '' };
}

function coerceDefault(name: string, type: ParamType, v: unknown, file: string, line: number): ParamValue {
  const ok =
    (type.kind === 'string' && typeof v === 'string') ||
    (type.kind === 'enum' && typeof v === 'string' && type.values.includes(v)) ||
    (type.kind === 'int' && Number.isSafeInteger(v)) ||
    (type.kind === 'float' && typeof v === 'number' && Number.isFinite(v)) ||
    (type.kind === 'bool' && typeof v === 'boolean');
  if (!ok)
    throw validationError(
      `the default of ${name} must be a ${describeType(type)}, but got: ${JSON.stringify(v)}`,
      {
        file,
        line,
        field: name,
      },
    );
  return v as ParamValue;
}

export function describeType(type: ParamType): string {
  return type.kind === 'enum' ? `one of ${type.values.join(', ')}` : type.kind;
}

/** Turn a `--param k=v` text into the parameter's type, or fail naming the rule and the value. */
export function coerceParam(report: string, p: ReportParam, raw: string): ParamValue {
  const fail = (rule: string) =>
    validationError(
      `--param ${p.name} of report ${report} must be ${rule}, but got: ${JSON.stringify(raw)}`,
      {
        field: p.name,
      },
    );
  switch (p.type.kind) {
    case 'string':
      return raw;
    case 'enum':
      if (!p.type.values.includes(raw)) throw fail(`one of ${p.type.values.join(', ')}`);
      return raw;
    case 'int': {
      if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw fail('an integer');
      return Number(raw);
    }
    case 'float': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw fail('a number');
      return n;
    }
    case 'bool':
      if (raw !== 'true' && raw !== 'false') throw fail('true or false');
      return raw === 'true';
  }
}
