// The report catalogue: every cypher/<name>.cypher (not the Browser snippets under cypher/browser/), parsed once.
import fs from 'node:fs';
import path from 'node:path';
import { notFound } from '../../core';
import { parseHeader, ReportHeader } from './header';

export interface Report extends ReportHeader {
  name: string;
  file: string;
  cypher: string;
}

export const DEFAULT_REPORT_DIR = path.resolve(__dirname, '..', '..', 'cypher');

export function loadReport(file: string): Report {
  const text = fs.readFileSync(file, 'utf8');
  const header = parseHeader(text, file);
  const cypher = text
    .split('\n')
    .filter((l) => !l.startsWith('//'))
    .join('\n')
    .trim();
  return { ...header, name: path.basename(file, '.cypher'), file, cypher };
}

export function listReports(dir: string = DEFAULT_REPORT_DIR): Report[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cypher'))
    .sort()
    .map((f) => loadReport(path.join(dir, f)));
}

export function findReport(name: string, dir: string = DEFAULT_REPORT_DIR): Report {
  const all = listReports(dir);
  const found = all.find((r) => r.name === name);
  if (!found)
    throw notFound(
      `no report named ${JSON.stringify(name)}; the reports are: ${all.map((r) => r.name).join(', ')}`,
      {
        field: 'NAME',
      },
    );
  return found;
}
