// `graphrec report NAME [--param k=v] [--format table|csv|json]` and `graphrec report --list`: analyst reports
// from cypher/*.cypher, run read-only against the configured Neo4j.
import { Command } from 'commander';
import { validationError } from '../../core';
import {
  createGraphClient,
  findReport,
  FORMATS,
  formatReport,
  listReports,
  ReportFormat,
  ReportResult,
  resolveParams,
  runReport,
} from '../../graph';
import { action, collect } from '../runtime';

function rawParams(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw validationError(`--param must look like key=value, but got: ${JSON.stringify(pair)}`, {
        field: '--param',
      });
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

type Output = { reports: ReturnType<typeof listing> } | ReportResult;

const listing = () =>
  listReports().map((r) => ({
    name: r.name,
    title: r.title,
    params: r.params.map((p) => ({
      name: p.name,
      type: p.type.kind === 'enum' ? `enum(${p.type.values.join('|')})` : p.type.kind,
      default: p.default,
      description: p.description,
    })),
  }));

export function registerReport(program: Command): void {
  // The format chosen by the run, for the human rendering (one command per process).
  let chosen: ReportFormat = 'table';
  program
    .command('report')
    .description('Run an analyst Cypher report from cypher/ (read-only), or list them with --list')
    .argument('[name]', 'the report, e.g. seasonality (see --list)')
    .option('--list', 'list the reports with their parameters and defaults')
    .option('--param <k=v>', 'a report parameter (repeatable); see --list for names and types', collect, [])
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--json', 'print one JSON object on stdout (the same as --format json)')
    .action(
      action<Output>(
        async ({ config, json }, [name], opts) => {
          if (opts.list) return { reports: listing() };
          if (!name)
            throw validationError('a report NAME is required (graphrec report --list shows them)', {
              field: 'NAME',
            });
          const format = (json ? 'json' : opts.format) as string;
          if (!(FORMATS as readonly string[]).includes(format))
            throw validationError(`--format must be one of ${FORMATS.join(', ')}, but got: ${format}`, {
              field: '--format',
            });
          chosen = format as ReportFormat;
          const report = findReport(name);
          const params = resolveParams(report, rawParams(opts.param as string[]));
          const graph = createGraphClient(config.neo4j, { app: 'graphrec-report' });
          try {
            const result = await runReport(graph, report, params);
            return result;
          } finally {
            await graph.close();
          }
        },
        (out) =>
          'reports' in out
            ? out.reports
                .map(
                  (r) =>
                    `${r.name.padEnd(22)} ${r.title}${r.params
                      .map(
                        (p) =>
                          `\n${''.padEnd(23)}--param ${p.name}=${JSON.stringify(p.default)} (${p.type}) ${p.description}`,
                      )
                      .join('')}`,
                )
                .join('\n')
            : formatReport(out, chosen),
      ),
    );
}
