import { decodeHistory, encodeHistory } from '../../model';
import { eventShop } from '../testing/eventShop';
import { userHistory } from './history';

// (user, item, type, ts) in file order: u0 has four events, u1 none, u2 one.
const shop = eventShop(
  [
    [0, 0, 0, 10],
    [2, 3, 2, 5],
    [0, 1, 1, 30],
    [0, 2, 2, 20],
    [0, 1, 0, 40],
  ],
  3,
  4,
);

describe('user history snapshot', () => {
  it("keeps each user's latest events, newest first, at most perUser", () => {
    const h = userHistory(shop, 1234, 3);
    expect(h.snapshotAt).toBe(1234);
    expect(Array.from(h.ptr)).toEqual([0, 3, 3, 4]);
    expect(Array.from(h.item)).toEqual([1, 1, 2, 3]);
    expect(Array.from(h.type)).toEqual([0, 1, 2, 2]);
    expect(Array.from(h.ts)).toEqual([40, 30, 20, 5]);
  });

  it('round-trips through history.bin and refuses a truncated or foreign file', () => {
    const h = userHistory(shop, Date.UTC(2026, 10, 29, 3), 200);
    const buf = encodeHistory(h);
    expect(decodeHistory(buf, 'h.bin')).toEqual(h);
    expect(() => decodeHistory(buf.subarray(0, buf.length - 1), 'h.bin')).toThrow(/history file has/);
    const foreign = Buffer.from(buf);
    foreign.write('GRECIG01', 0, 'latin1');
    expect(() => decodeHistory(foreign, 'h.bin')).toThrow(/wrong magic/);
  });
});
