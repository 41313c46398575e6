import { codeOnly, describeRefusal, screenPlan, screenText, type PlanNode } from './adhocScreen';

const op = (operatorType: string, Details = '', children: PlanNode[] = []): PlanNode => ({
  operatorType,
  arguments: { Details },
  children,
});

describe('screenPlan: the server plan decides', () => {
  it('refuses LOAD CSV, IN TRANSACTIONS, unlisted procedures and commands wherever they sit in the tree', () => {
    const tree = (inner: PlanNode) => op('ProduceResults@neo4j', 'x', [op('Apply@neo4j', '', [inner])]);
    expect(screenPlan(tree(op('LoadCSV@neo4j', 'line')), '')).toEqual({ reason: 'loadCsv' });
    expect(screenPlan(tree(op('TransactionForeach@neo4j')), '')).toEqual({ reason: 'inTransactions' });
    expect(screenPlan(tree(op('ProcedureCall@neo4j', 'dbms.listConfig() :: (name :: STRING)')), '')).toEqual({
      reason: 'procedure',
      name: 'dbms.listConfig',
    });
    expect(screenPlan(tree(op('TerminateTransactions@neo4j')), '')).toEqual({
      reason: 'command',
      name: 'TERMINATE TRANSACTIONS',
    });
    expect(screenPlan(op('AdministrationCommand@system'), '/* hi */ show  roles')).toEqual({
      reason: 'command',
      name: 'SHOW ROLES',
    });
  });

  it('lets reads, the allowed procedures and the schema commands through', () => {
    expect(screenPlan(op('ProcedureCall@neo4j', 'db.labels() :: (label :: STRING)'), '')).toBeUndefined();
    expect(screenPlan(op('ShowIndexes@neo4j'), '')).toBeUndefined();
    expect(screenPlan(op('ProduceResults@neo4j', '', [op('NodeByLabelScan@neo4j')]), '')).toBeUndefined();
  });
});

describe('screenText: the second line reads only code', () => {
  it('blanks comments and strings and unquotes names', () => {
    expect(codeOnly("RETURN 'LOAD CSV' /* x */ AS `a b` // y")).toBe("RETURN ''   AS a_b  ");
    expect(codeOnly('RETURN "it\\"s" AS s')).toBe("RETURN '' AS s");
  });

  it.each([
    ["load  csv from 'file:///etc/passwd' as l return l", { reason: 'loadCsv' }],
    ['CALL { RETURN 1 } IN 4 CONCURRENT TRANSACTIONS', { reason: 'inTransactions' }],
    ['CALL `dbms`. `listConfig`()', { reason: 'procedure', name: 'dbms.listConfig' }],
    ['SHOW CURRENT USER', { reason: 'command', name: 'SHOW CURRENT USER' }],
    ['DROP DATABASE neo4j', { reason: 'command', name: 'DROP DATABASE' }],
  ])('refuses %s', (cypher, refusal) => {
    expect(screenText(cypher)).toEqual(refusal);
  });

  it.each([
    "MATCH (n) RETURN 'LOAD CSV FROM x' AS s",
    'MATCH (n) // CALL dbms.listConfig()\nRETURN n',
    'CALL db.schema.visualization()',
    'SHOW INDEXES',
    'MATCH (terminate) RETURN terminate',
  ])('lets %s through', (cypher) => {
    expect(screenText(cypher)).toBeUndefined();
  });

  it('names the rule and what was found', () => {
    expect(describeRefusal({ reason: 'command', name: 'SHOW USERS' })).toBe(
      'only read-only graph queries may run here, but this query is the administration command SHOW USERS',
    );
  });
});
