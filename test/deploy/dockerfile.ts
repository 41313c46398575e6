// A small Dockerfile reader: enough to check the image's contract without a Docker engine.
export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, COPY, ENV, USER, ... */
  op: string;
  args: string;
  line: number;
}

export interface Stage {
  name?: string;
  base: string;
  instructions: Instruction[];
}

/** Instructions in order, with `\` continuations joined and comments and parser directives dropped. */
export function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (buf === '' && (line === '' || line.startsWith('#'))) return;
    if (buf !== '' && line.startsWith('#')) return; // comment lines inside a continuation are ignored too
    if (buf === '') start = i + 1;
    buf += (buf === '' ? '' : ' ') + line.replace(/\\$/, '').trim();
    if (!line.endsWith('\\')) {
      const m = /^(\S+)\s*(.*)$/.exec(buf);
      if (m) out.push({ op: m[1].toUpperCase(), args: m[2], line: start });
      buf = '';
    }
  });
  return out;
}

/** Split into stages, resolving `FROM ${ARG}` against the ARG defaults declared before the first FROM. */
export function parseStages(text: string): Stage[] {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of parseInstructions(text)) {
    if (ins.op === 'ARG' && stages.length === 0) {
      const m = /^(\w+)=(.*)$/.exec(ins.args);
      if (m) args[m[1]] = m[2];
    } else if (ins.op === 'FROM') {
      const [image, as, name] = ins.args.split(/\s+/);
      const base = image.replace(/\$\{?(\w+)\}?/g, (_m, n: string) => args[n] ?? '');
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return stages;
}

/** `KEY=value` pairs of ENV instructions (the modern form; the legacy `ENV KEY value` form is refused). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of stage.instructions.filter((i) => i.op === 'ENV')) {
    for (const m of ins.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]] = m[2].replace(/^"|"$/g, '');
  }
  return env;
}

/** The exec-form JSON array of ENTRYPOINT/CMD/HEALTHCHECK CMD, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  const json = args.replace(/^(?:--\S+\s+)*CMD\s+/, '');
  if (!json.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.map(String) : undefined;
}

/** What the runtime (last) stage runs as; undefined when no USER is set, which means root. */
export function runtimeUser(stages: Stage[]): string | undefined {
  const users = stages[stages.length - 1].instructions.filter((i) => i.op === 'USER');
  return users.length > 0 ? users[users.length - 1].args.split(':')[0] : undefined;
}

export const isRoot = (user: string | undefined): boolean =>
  user === undefined || user === 'root' || user === '0';
