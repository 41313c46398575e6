// What `graphrec cypher` refuses before a query runs, beyond writes: reading files or URLs (LOAD CSV),
// procedures outside a short read-only list, administration commands (TERMINATE TRANSACTIONS, SHOW USERS, ...)
// and CALL { } IN TRANSACTIONS. A READ transaction stops writes, but not these: TERMINATE TRANSACTIONS and
// LOAD CSV both plan as read queries.
//
// The first line is the server's own plan (EXPLAIN): its operators say what will run whatever the text looks
// like, so comments and string literals cannot hide anything. The second line is a textual screen over the
// query with its comments, strings and quoted names blanked, for what a future planner might name differently.
// Both describe a refusal in the same words, so a test can assert one message whichever line caught it.

/** Procedures an analyst may call: they read the graph or describe it or the server version, and change nothing. */
export const ALLOWED_PROCEDURES: readonly string[] = [
  'db.labels',
  'db.relationshipTypes',
  'db.propertyKeys',
  'db.schema.visualization',
  'db.schema.nodeTypeProperties',
  'db.schema.relTypeProperties',
  'db.ping',
  'db.info',
  // Index lookups: reads (cypher/similar-products.cypher runs the vector one as a report).
  'db.index.vector.queryNodes',
  'db.index.vector.queryRelationships',
  'db.index.fulltext.queryNodes',
  'db.index.fulltext.queryRelationships',
  // DBMS-level, but it only names the kernel and its version (stack status and bug reports use it).
  'dbms.components',
];

/** Commands that only describe: the schema, the callable surface, and the running transactions (the runbook's
 * slow-query check in docs/operations.md; their queries are parameterised, so the text holds no shopper data).
 * Every other SHOW (SHOW SETTINGS gives the server's paths) and every TERMINATE is refused. */
const ALLOWED_COMMANDS = new Set([
  'ShowIndexes',
  'ShowConstraints',
  'ShowProcedures',
  'ShowFunctions',
  'ShowTransactions',
]);

export type Refusal =
  | { reason: 'loadCsv' }
  | { reason: 'inTransactions' }
  | { reason: 'procedure'; name: string }
  | { reason: 'command'; name: string };

export function describeRefusal(r: Refusal): string {
  const lead = 'only read-only graph queries may run here, but this query';
  switch (r.reason) {
    case 'loadCsv':
      return `${lead} reads a file or URL with LOAD CSV`;
    case 'inTransactions':
      return `${lead} runs CALL { ... } IN TRANSACTIONS`;
    case 'procedure':
      return `${lead} calls the procedure ${r.name}, which is not one of ${ALLOWED_PROCEDURES.join(', ')}`;
    case 'command':
      return `${lead} is the administration command ${r.name}`;
  }
}

/** The subset of a driver plan this screen reads (neo4j-driver's Plan). */
export interface PlanNode {
  operatorType: string;
  arguments: Record<string, unknown>;
  children: PlanNode[];
}

/** `TerminateTransactions@neo4j` -> `TERMINATE TRANSACTIONS`. */
const commandName = (op: string) => op.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();

/** The first two words of the query's code, upper-cased: how a refused command is named. */
export const leadingWords = (cypher: string) =>
  codeOnly(cypher).trim().split(/\s+/).slice(0, 2).join(' ').toUpperCase();

/** The first operator of the plan that must not run, if any. */
export function screenPlan(plan: PlanNode, cypher: string): Refusal | undefined {
  const op = plan.operatorType.split('@')[0];
  if (op === 'LoadCSV') return { reason: 'loadCsv' };
  if (op === 'TransactionApply' || op === 'TransactionForeach') return { reason: 'inTransactions' };
  if (op === 'ProcedureCall') {
    // Details read `db.labels() :: (label :: STRING)`: the name is everything before the first bracket.
    const details = typeof plan.arguments.Details === 'string' ? plan.arguments.Details : '';
    const name = details.split('(')[0].trim();
    if (!ALLOWED_PROCEDURES.includes(name)) return { reason: 'procedure', name: name || '(unnamed)' };
  }
  // Commands routed to the system database (SHOW USERS, CREATE ROLE, ...) plan as one opaque operator: name
  // them by their first two words.
  if (op === 'AdministrationCommand') return { reason: 'command', name: leadingWords(cypher) };
  if (/^(Show|Terminate)/.test(op) && !ALLOWED_COMMANDS.has(op))
    return { reason: 'command', name: commandName(op) };
  for (const child of plan.children ?? []) {
    const r = screenPlan(child, cypher);
    if (r) return r;
  }
  return undefined;
}

/** The query with comments and string literals blanked and quoted names unquoted, so keywords are only code. */
export function codeOnly(cypher: string): string {
  let out = '';
  for (let i = 0; i < cypher.length;) {
    const c = cypher[i];
    const next = cypher[i + 1];
    if (c === '/' && next === '/') {
      const end = cypher.indexOf('\n', i);
      i = end < 0 ? cypher.length : end;
      out += ' ';
    } else if (c === '/' && next === '*') {
      const end = cypher.indexOf('*/', i + 2);
      i = end < 0 ? cypher.length : end + 2;
      out += ' ';
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < cypher.length && cypher[j] !== c) j += cypher[j] === '\\' ? 2 : 1;
      i = j + 1;
      out += "''";
    } else if (c === '`') {
      const end = cypher.indexOf('`', i + 1);
      const name = cypher.slice(i + 1, end < 0 ? cypher.length : end);
      i = end < 0 ? cypher.length : end + 1;
      out += name.replace(/\W/g, '_');
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

const ADMIN_START =
  /^\s*(?:(?:TERMINATE|ALTER|GRANT|DENY|REVOKE|START|STOP|ENABLE|DEALLOCATE|REALLOCATE|RENAME)\b|(?:CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?(?:COMPOSITE\s+)?(?:DATABASE|USER|ROLE|ALIAS|SERVER)\b)/i;
const SHOW_REFUSED =
  /^\s*SHOW\b[\s\w]*?\b(SETTINGS?|USERS?|ROLES?|PRIVILEGES?|DATABASES?|SERVERS?|ALIASES|CURRENT\s+USER)\b/i;
const CALL_NAME = /\bCALL\s+([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)+)/gi;

/** The textual second line: the same refusals, found in the query's code (not its comments or strings). */
export function screenText(cypher: string): Refusal | undefined {
  const code = codeOnly(cypher);
  if (/\bLOAD\s+CSV\b/i.test(code)) return { reason: 'loadCsv' };
  if (/\bIN\s+(?:\S+\s+CONCURRENT\s+)?TRANSACTIONS\b/i.test(code)) return { reason: 'inTransactions' };
  if (/\bTERMINATE\s+TRANSACTIONS?\b/i.test(code))
    return { reason: 'command', name: 'TERMINATE TRANSACTIONS' };
  const admin = ADMIN_START.exec(code);
  if (admin) {
    // CREATE/DROP name their object in the match; the one-word verbs (STOP, GRANT, ...) by the next word.
    const matched = admin[0].trim().replace(/\s+/g, ' ').toUpperCase();
    return { reason: 'command', name: matched.includes(' ') ? matched : leadingWords(cypher) };
  }
  const show = SHOW_REFUSED.exec(code);
  if (show) return { reason: 'command', name: `SHOW ${show[1].replace(/\s+/g, ' ').toUpperCase()}` };
  for (const m of code.matchAll(CALL_NAME)) {
    const name = m[1].replace(/\s+/g, '');
    if (!ALLOWED_PROCEDURES.includes(name)) return { reason: 'procedure', name };
  }
  return undefined;
}
