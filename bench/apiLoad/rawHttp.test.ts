import { parseResponse, postRequest } from './rawHttp';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('the paced generator HTTP client', () => {
  it('writes a POST with its length and JSON type', () => {
    const req = postRequest(new URL('http://127.0.0.1:4000/graphql?x=1'), '{"query":"é"}').toString('utf8');
    expect(req).toBe(
      'POST /graphql?x=1 HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nContent-Type: application/json\r\n' +
        'Content-Length: 14\r\n\r\n{"query":"é"}',
    );
  });

  it('waits for the whole body its Content-Length announces', () => {
    const full = bytes(
      'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n{"data":{}}',
    );
    for (let cut = 0; cut < full.length; cut++) expect(parseResponse(full.subarray(0, cut))).toBeNull();
    expect(parseResponse(full)).toEqual({
      response: { status: 200, body: bytes('{"data":{}}') },
      keepAlive: true,
    });
  });

  it('joins a chunked body, however the bytes arrive', () => {
    const full = bytes(
      'HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
        '5\r\n{"err\r\na\r\nors":[1]}\n\r\n0\r\n\r\n',
    );
    for (let cut = 0; cut < full.length; cut++) expect(parseResponse(full.subarray(0, cut))).toBeNull();
    expect(parseResponse(full)).toEqual({
      response: { status: 429, body: bytes('{"errors":[1]}\n') },
      keepAlive: false,
    });
  });

  it('reads a body without a length to the end of the stream, and fails a truncated one', () => {
    const head = 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n';
    expect(parseResponse(bytes(`${head}abc`))).toBeNull();
    expect(parseResponse(bytes(`${head}abc`), true)?.response.body.toString()).toBe('abc');
    expect(() => parseResponse(bytes('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc'), true)).toThrow(
      /inside a response body/,
    );
    expect(() => parseResponse(bytes('HTTP/1.1 200'), true)).toThrow(/before a complete response head/);
    expect(() => parseResponse(bytes('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/not an HTTP/);
  });
});
