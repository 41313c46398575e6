// The server side of a read-only `graphrec cypher`: the neo4j.conf the stack writes must stop LOAD CSV from
// reading files or fetching URLs even for a query that never passes through the ad-hoc screen. A private server
// (scratchNeo4j) runs the rendered configuration, which also proves every setting name is one Neo4j accepts:
// Neo4j 5 refuses to start on an unknown one.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startScratchNeo4j, type ScratchNeo4j } from '../test/support';
import { neo4jPaths } from './neo4j';

describe('the stack-written neo4j.conf confines LOAD CSV', () => {
  let neo: ScratchNeo4j;
  let server: http.Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits += 1;
      res.end('a,b\n1,2\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    neo = await startScratchNeo4j();
  }, 180_000);
  afterAll(async () => {
    await neo?.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  const loadCsv = (url: string) =>
    neo.graph.read({ name: 'test.loadCsv', cypher: 'LOAD CSV FROM $url AS line RETURN line' }, { url });

  it('refuses file URLs, even inside its own import directory', async () => {
    fs.writeFileSync(path.join(neo4jPaths(neo.config).import, 'probe.csv'), 'a,b\n');
    await expect(loadCsv('file:///etc/passwd')).rejects.toThrow(
      "test.loadCsv: Cannot load from URL 'file:///etc/passwd': configuration property 'dbms.security.allow_csv_import_from_file_urls' is false",
    );
    await expect(loadCsv('file:///probe.csv')).rejects.toThrow(
      "configuration property 'dbms.security.allow_csv_import_from_file_urls' is false",
    );
  });

  it('refuses to fetch a local URL', async () => {
    await expect(loadCsv(`http://127.0.0.1:${port}/x.csv`)).rejects.toThrow(
      'access to /127.0.0.1 is blocked via the configuration property internal.dbms.cypher_ip_blocklist',
    );
    expect(hits).toBe(0);
  });
});
