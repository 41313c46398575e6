// The nightly training's session files (model/session/files.ts holds their format and reader).
import {
  SESSION_BIN,
  SESSION_FORMAT_VERSION,
  SESSION_JSON,
  encodeSessionTables,
  type SessionJson,
} from '../../model';
import type { ShopData } from '../data/shop';
import { buildSessionTables } from './tables';
import { tuneSessionParams } from './tune';

/**
 * The nightly training's session files: parameters tuned on the validation window, tables from every event of
 * the data (what the API serves with, as the ranker's tables are).
 */
export function sessionFiles(shop: ShopData): Record<string, Buffer | string> {
  const tuning = tuneSessionParams(shop);
  const tables = buildSessionTables(shop, shop.bounds.end + 1);
  const json: SessionJson = {
    formatVersion: SESSION_FORMAT_VERSION,
    params: tuning.params,
    cutoff: new Date(tables.cutoff).toISOString(),
    categoryIds: shop.categoryIds,
    validation: tuning.validation,
  };
  return {
    [SESSION_BIN]: encodeSessionTables(tables),
    [SESSION_JSON]: `${JSON.stringify(json, null, 2)}\n`,
  };
}
