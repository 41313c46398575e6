// The JSON mapping of `--format events-csv` (docs/etl.md, "Writing a mapping"): which columns hold the user, item,
// event type and timestamp, how event-type values map to view / cart / purchase, and optional category files.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EVENT_TYPES, GraphrecError, notFound } from '../../core';

const column = z.string().min(1).max(128);

export const mappingSchema = z.object({
  /** Prefix of every id this data set creates (`<name>:u<user>`, `<name>:p<item>`, ...). */
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a lower-case name such as retailrocket'),
  events: z.object({
    file: z.string().min(1),
    columns: z.object({
      user: column,
      item: column,
      type: column,
      timestamp: column,
      session: column.optional(),
      category: column.optional(),
      eventId: column.optional(),
      quantity: column.optional(),
      price: column.optional(),
    }),
    timestamp: z.enum(['ms', 's', 'iso']),
    types: z.record(z.string(), z.enum(EVENT_TYPES)),
    window: z.object({ start: z.string(), end: z.string() }).optional(),
    sessionGapMinutes: z.number().int().min(1).max(1440).default(30),
  }),
  categories: z
    .object({ file: z.string().min(1), columns: z.object({ id: column, parent: column }) })
    .optional(),
  itemProperties: z
    .object({
      files: z.array(z.string().min(1)).min(1),
      columns: z.object({ item: column, property: column, value: column, timestamp: column }),
      categoryProperty: z.string().min(1),
    })
    .optional(),
});
export type Mapping = z.infer<typeof mappingSchema>;

export function readMapping(file: string): Mapping {
  if (!fs.existsSync(file))
    throw notFound(`the mapping file is missing: ${file}`, { file, field: '--mapping' });
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new GraphrecError('VALIDATION', `the mapping is not valid JSON: ${(err as Error).message}`, {
      file,
    });
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.');
    throw new GraphrecError('VALIDATION', `${field || 'the mapping'}: ${issue.message}`, { file, field });
  }
  const m = parsed.data;
  if (Object.keys(m.events.types).length === 0)
    throw new GraphrecError('VALIDATION', 'events.types must map at least one value', {
      file,
      field: 'events.types',
    });
  if (m.events.window && !(Date.parse(m.events.window.start) <= Date.parse(m.events.window.end)))
    throw new GraphrecError('VALIDATION', 'events.window must have ISO start <= end', {
      file,
      field: 'events.window',
    });
  return m;
}

/**
 * Every file a mapping names, with its field: each must resolve inside `--source`. A mapping is a file anyone
 * may hand over with a data set, so `../`, absolute paths and symbolic links that lead out are refused rather
 * than read (and echoed into quarantine).
 */
export function checkMappingPaths(source: string, m: Mapping, mappingFile: string): void {
  const named: [field: string, rel: string][] = [
    ['events.file', m.events.file],
    ...(m.categories ? [['categories.file', m.categories.file] as [string, string]] : []),
    ...(m.itemProperties?.files ?? []).map((f, i) => [`itemProperties.files[${i}]`, f] as [string, string]),
  ];
  const root = fs.realpathSync(source);
  const inside = (p: string) => {
    const rel = path.relative(root, p);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  for (const [field, rel] of named) {
    const lexical = path.resolve(root, rel);
    // Lexically first (absolute, ../), then where it really leads once links are followed.
    const real = path.isAbsolute(rel) || !inside(lexical) ? undefined : realOrSelf(lexical);
    if (real === undefined || !inside(real))
      throw new GraphrecError(
        'VALIDATION',
        `${field} must name a file inside --source ${source}, but got: ${JSON.stringify(rel)}`,
        { file: mappingFile, field },
      );
  }
}

/** The path with links followed, or the path itself when it does not exist (the missing-file check says so). */
function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
