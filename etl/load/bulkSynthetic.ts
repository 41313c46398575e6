// The synthetic format's graph as neo4j-admin import files: the same nodes, relationships and property types
// that synthetic.ts's Cypher statements create, from the same validated rows (the `params` its validators
// return). Also the two things the transactional path derives while it writes: Session.eventCount (counted here
// per session, then appended to the session rows) and one EtlCheckpoint per file at its last line, so that a
// later transactional run finds every file committed and writes nothing. And the price bands, which the
// transactional path computes in Cypher afterwards (metadata.ts BAND_TOP): here the same quintiles, from the
// rows, so the imported graph needs no post-import pass over every product.
//
// Property types: the transactional path passes JS numbers, which the driver stores as FLOAT, so numeric
// properties are `:double` here too; counts computed in Cypher (eventCount) and timestamp() are INTEGER.
import path from 'node:path';
import readline from 'node:readline';
import fs from 'node:fs';
import type { ImportInput } from '../../stack';
import { AdminCsvFile, CsvValue } from './adminCsv';
import { IdTable } from './idTable';
import type { RowSink } from './loadFile';
import { AGE_BANDS, LOYALTY_TIER_NAMES, REGION_NAMES, REL_FOR } from '../../core';
import { PRICE_BANDS } from './metadata';
import type { WriteRow } from './writer';

const NODES = {
  AgeBand: ['id:ID(AgeBand)', 'name'],
  Region: ['id:ID(Region)', 'name'],
  LoyaltyTier: ['id:ID(LoyaltyTier)', 'name'],
  PriceBand: ['id:ID(PriceBand)', 'name', 'rank:double'],
  Category: ['id:ID(Category)', 'name', 'level:double', 'season'],
  Brand: ['id:ID(Brand)', 'name', 'tier'],
  Product: [
    'id:ID(Product)',
    'name',
    'price:double',
    'currency',
    'description',
    'launchedAt:double',
    'inStock:boolean',
    'consumable:boolean',
  ],
  User: [
    'id:ID(User)',
    'signupAt:double',
    'birthYear:double',
    'gender',
    'region',
    'loyaltyTier',
    'emailDomain',
    'marketingOptIn:boolean',
  ],
  // Written without eventCount first (SESSION_PART); finish() appends the column.
  Session: ['id:ID(Session)', 'userId', 'startedAt:double', 'endedAt:double', 'device', 'channel'],
  EtlCheckpoint: ['id:ID(EtlCheckpoint)', 'line:double', 'fingerprint', 'updatedAt:long'],
};
const link = (from: string, to: string) => [`:START_ID(${from})`, `:END_ID(${to})`];
const EVENT = ['eventId', 'ts:double', 'sessionId', 'seq:double', 'quantity:double', 'price:double'];
const RELS = {
  CHILD_OF: link('Category', 'Category'),
  IN_CATEGORY: link('Product', 'Category'),
  MADE_BY: link('Product', 'Brand'),
  IN_AGE_BAND: link('User', 'AgeBand'),
  IN_REGION: link('User', 'Region'),
  HAS_TIER: link('User', 'LoyaltyTier'),
  HAD_SESSION: link('User', 'Session'),
  IN_PRICE_BAND: link('Product', 'PriceBand'),
  VIEWED: [...link('User', 'Product'), ...EVENT],
  ADDED_TO_CART: [...link('User', 'Product'), ...EVENT],
  PURCHASED: [...link('User', 'Product'), ...EVENT],
};
type NodeLabel = keyof typeof NODES;
type RelType = keyof typeof RELS;
const EVENT_REL: Record<string, RelType> = REL_FOR;
const SESSION_PART = 'Session.part.csv';

type Params = Record<string, unknown>;
type Props = Record<string, CsvValue>;

export class SyntheticBulkFiles {
  private readonly nodes = {} as Record<NodeLabel, AdminCsvFile>;
  private readonly rels = {} as Record<RelType, AdminCsvFile>;
  /** Events per session, by the session's row number in the session file (the table's ordinal). */
  private readonly sessionEvents = new IdTable(1);
  private readonly writers: Record<string, (p: Params) => void>;
  /** What the price bands need: each category's parent and level, each product's category and price. */
  private readonly categories = new Map<string, { parent: string | null; level: number }>();
  private readonly productRows: { id: string; category: string; price: number }[] = [];
  /** IN_PRICE_BAND links written by finish(). */
  priceBandLinks = 0;

  constructor(readonly dir: string) {
    for (const [label, header] of Object.entries(NODES))
      this.nodes[label as NodeLabel] = new AdminCsvFile(
        path.join(dir, label === 'Session' ? SESSION_PART : `${label}.csv`),
        header,
      );
    for (const [type, header] of Object.entries(RELS))
      this.rels[type as RelType] = new AdminCsvFile(path.join(dir, `${type}.csv`), header);
    // The fixed vocabularies that mergeMetadataNodes writes in the transactional path.
    for (const a of AGE_BANDS) this.nodes.AgeBand.write([a, a]);
    for (const [id, name] of Object.entries(REGION_NAMES)) this.nodes.Region.write([id, name]);
    for (const [id, name] of Object.entries(LOYALTY_TIER_NAMES)) this.nodes.LoyaltyTier.write([id, name]);
    for (const b of PRICE_BANDS) this.nodes.PriceBand.write([b.id, b.name, b.rank]);
    this.writers = this.rowWriters();
  }

  /** The sink for one source file's valid rows; its final flush records the file's checkpoint. */
  sink(file: string, checkpointId: string, fingerprint: string): RowSink {
    const write = this.writers[file];
    if (!write) throw new Error(`no bulk layout for ${file}`);
    const checkpoints = this.nodes.EtlCheckpoint;
    let lastLine = 0;
    const sink = {
      written: 0,
      skipped: 0,
      rejected: 0,
      seen(line: number) {
        lastLine = Math.max(lastLine, line);
      },
      push(row: WriteRow) {
        write(row.params);
        lastLine = Math.max(lastLine, row.line);
        sink.written += 1;
        return Promise.resolve();
      },
      flush(final: boolean) {
        // As BatchWriter: a file with no data line gets no checkpoint.
        if (final && lastLine > 0) checkpoints.write([checkpointId, lastLine, fingerprint, Date.now()]);
        return Promise.resolve();
      },
    };
    return sink;
  }

  /** Close every file, append eventCount to the session rows, and name the files for neo4j-admin. */
  async finish(): Promise<ImportInput & { bytes: number }> {
    this.writePriceBands();
    for (const f of [...Object.values(this.nodes), ...Object.values(this.rels)]) f.close();
    const sessions = this.nodes.Session;
    const final = new AdminCsvFile(path.join(this.dir, 'Session.csv'), [...NODES.Session, 'eventCount:long']);
    // Session fields are ids, enums and numbers (no line breaks: ids reject control characters), so the part
    // file is one row a line, in the order of the table's ordinals.
    const lines = readline.createInterface({
      input: fs.createReadStream(sessions.path),
      crlfDelay: Infinity,
    });
    let row = -1;
    for await (const line of lines) {
      if (row >= 0) final.appendRaw(`${line},${this.sessionEvents.get(row, 0)}`);
      row += 1;
    }
    final.close();
    fs.rmSync(sessions.path);
    const nodeFiles = { ...this.nodes, Session: final };
    const all = [...Object.values(nodeFiles), ...Object.values(this.rels)];
    return {
      nodes: Object.entries(nodeFiles).map(([name, f]) => ({ name, file: f.path })),
      relationships: Object.entries(this.rels).map(([name, f]) => ({ name, file: f.path })),
      multiline: all.filter((f) => f.multiline).map((f) => f.path),
      bytes: all.reduce((s, f) => s + f.bytes, 0),
    };
  }

  /**
   * BAND_TOP's result without the graph: for each level-1 category, the products in it or up to two levels
   * below, ordered by (price, id), band floor(5 * rank / n). JS string order is Cypher's (UTF-16 code units).
   */
  private writePriceBands(): void {
    const byTop = new Map<string, { id: string; price: number }[]>();
    for (const p of this.productRows) {
      for (let c: string | null = p.category, hops = 0; c !== null && hops <= 2; hops++) {
        const cat = this.categories.get(c);
        if (!cat) break;
        if (cat.level === 1) {
          const group = byTop.get(c) ?? [];
          group.push(p);
          byTop.set(c, group);
        }
        c = cat.parent;
      }
    }
    for (const group of byTop.values()) {
      group.sort((a, b) => a.price - b.price || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const n = group.length;
      for (let i = 0; i < n; i++)
        this.rels.IN_PRICE_BAND.write([group[i].id, `pb${Math.floor((5 * i) / n)}`]);
      this.priceBandLinks += n;
    }
  }

  private rowWriters(): Record<string, (p: Params) => void> {
    const { nodes: n, rels: r } = this;
    return {
      'categories.csv': (p) => {
        n.Category.write([p.id, p.name, p.level, p.season] as CsvValue[]);
        this.categories.set(p.id as string, {
          parent: (p.parent as string | null) ?? null,
          level: p.level as number,
        });
        if (p.parent != null) r.CHILD_OF.write([p.id, p.parent] as CsvValue[]);
      },
      'brands.csv': (p) => n.Brand.write([p.id, p.name, p.tier] as CsvValue[]),
      'products.csv': (p) => {
        const x = p.props as Props;
        n.Product.write([
          p.id as string,
          x.name,
          x.price,
          x.currency,
          x.description,
          x.launchedAt,
          x.inStock,
          x.consumable,
        ]);
        r.IN_CATEGORY.write([p.id, p.category] as CsvValue[]);
        this.productRows.push({
          id: p.id as string,
          category: p.category as string,
          price: x.price as number,
        });
        r.MADE_BY.write([p.id, p.brand] as CsvValue[]);
      },
      'users.csv': (p) => {
        const x = p.props as Props;
        n.User.write([
          p.id as string,
          x.signupAt,
          x.birthYear,
          x.gender,
          x.region,
          x.loyaltyTier,
          x.emailDomain,
          x.marketingOptIn,
        ]);
        r.IN_AGE_BAND.write([p.id, p.ageBand] as CsvValue[]);
        r.IN_REGION.write([p.id, p.region] as CsvValue[]);
        r.HAS_TIER.write([p.id, p.tier] as CsvValue[]);
      },
      'sessions.csv': (p) => {
        const x = p.props as Props;
        n.Session.write([p.id as string, x.userId, x.startedAt, x.endedAt, x.device, x.channel]);
        r.HAD_SESSION.write([x.userId, p.id as string]);
        this.sessionEvents.set(this.sessionEvents.add(p.id as string), 0, 0);
      },
      'events.csv': (p) => {
        const x = p.props as Props;
        r[EVENT_REL[p.type as string]].write([
          p.u as string,
          p.p as string,
          x.eventId,
          x.ts,
          x.sessionId,
          x.seq,
          x.quantity,
          x.price,
        ]);
        const so = this.sessionEvents.ordinal(p.s as string);
        if (so >= 0) this.sessionEvents.set(so, 0, this.sessionEvents.get(so, 0) + 1);
      },
    };
  }
}
