import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapedValue, spliceLeaf, spliceShape, SseJsonShape } from './sse-json-shape.ts';

const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1' };
const chunk = (content: string) => JSON.stringify({ ...head, choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }] });
/** An OpenAI Responses delta: its `sequence_number` counts the stream's events. */
const typed = (seq: number | string, delta: string) =>
  `{"type":"response.output_text.delta","sequence_number":${seq},"item_id":"msg_1","output_index":0,"content_index":0,"delta":${JSON.stringify(delta)},"logprobs":[]}`;
const withObfuscation = (content: string, pad: string) => JSON.stringify({ ...head, choices: [{ index: 0, delta: { content }, finish_reason: null }], obfuscation: pad });

/** `JSON.parse`, or the error's class when it throws. */
function parsed(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    return { threw: (e as Error).constructor.name };
  }
}

describe('SseJsonShape', () => {
  it('learns the shape of two events that differ in one string and reads the next ones through it', () => {
    const s = new SseJsonShape();
    expect(s.match(chunk('Hel'))).toBeNull();
    s.parseFull(chunk('Hel'));
    s.parseFull(chunk('lo '));
    expect(s.learned).toBe(true);
    const data = chunk('wor"ld\n');
    const m = s.match(data)!;
    expect(m.values).toEqual(['wor"ld\n']);
    expect(m.paths).toEqual([['choices', 0, 'delta', 'content']]);
    expect(shapedValue(m)).toEqual(JSON.parse(data));
    expect(data.slice(m.spans[0], m.spans[1])).toBe(JSON.stringify('wor"ld\n'));
    // Spliced bytes are exactly the serialised event with the new text.
    expect(spliceLeaf(data, m, 0, 'new <b>')).toBe(chunk('new <b>'));
  });

  it('never mutates the learned value: each read is its own copy along the path', () => {
    const s = new SseJsonShape();
    s.parseFull(chunk('a'));
    const learned = s.parseFull(chunk('b')) as { choices: { delta: { content: string } }[] };
    const one = shapedValue(s.match(chunk('c'))!) as typeof learned;
    const two = shapedValue(s.match(chunk('d'))!) as typeof learned;
    expect([learned.choices[0]!.delta.content, one.choices[0]!.delta.content, two.choices[0]!.delta.content]).toEqual(['b', 'c', 'd']);
  });

  it('learns several varying strings (a per-event padding field) and keeps them in document order', () => {
    const s = new SseJsonShape();
    s.parseFull(withObfuscation('Hi', 'xQ'));
    s.parseFull(withObfuscation(' th', 'p9Zk'));
    const data = withObfuscation('ere', 'a');
    const m = s.match(data)!;
    expect(m.values).toEqual(['ere', 'a']);
    expect(shapedValue(m)).toEqual(JSON.parse(data));
    expect(spliceLeaf(data, m, 0, 'X')).toBe(withObfuscation('X', 'a'));
  });

  it('does not learn from data JSON.stringify would not write: whitespace, other escapes, duplicate keys', () => {
    for (const [a, b] of [
      [`${chunk('a')} `, `${chunk('b')} `],
      [chunk('a').replace('"gpt', ' "gpt'), chunk('b').replace('"gpt', ' "gpt')],
      [chunk('a').replace('gpt', '\\u0067pt'), chunk('b').replace('gpt', '\\u0067pt')],
      [chunk('a').replace('"id"', '"model":"x","id"'), chunk('b').replace('"id"', '"model":"x","id"')],
    ] as const) {
      const s = new SseJsonShape();
      s.parseFull(a);
      s.parseFull(b);
      expect(s.learned).toBe(false);
    }
  });

  it('does not read through the shape what does not fit it, and still throws for what is not JSON', () => {
    const s = new SseJsonShape();
    s.parseFull(chunk('a'));
    s.parseFull(chunk('b'));
    const prefix = chunk('').slice(0, chunk('').indexOf('"content":') + 10);
    const suffix = chunk('').slice(prefix.length + 2);
    const bad = [
      `${prefix}"a"b"${suffix}`, // a quote inside the token
      `${prefix}"a\u0001"${suffix}`, // a raw control character
      `${prefix}"a\\x"${suffix}`, // an invalid escape
      `${prefix}"a\\"${suffix}`, // an escaped closing quote: the token never ends
      `${prefix}"a"${suffix}x`, // trailing bytes
      `${prefix}1${suffix}`, // not a string
      `${prefix}"\\u0041"${suffix}`, // valid, but not as JSON.stringify writes it
      chunk('a').slice(0, -1), // cut
    ];
    for (const data of bad) {
      expect(s.match(data)).toBeNull();
      expect(parsed(() => s.parse(data))).toEqual(parsed(() => JSON.parse(data)));
    }
  });

  it('gives what JSON.parse gives (or throws as it does) for any mix of events', () => {
    const texts = fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\', '\n', '\u0001', '가', '😀', '\ud800', '<', '/'), maxLength: 12 });
    const event = fc.oneof(
      texts.map(chunk),
      fc.tuple(texts, texts).map(([a, b]) => withObfuscation(a, b)),
      texts.map((t) => JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } })),
      fc.tuple(texts, fc.nat(40)).map(([t, cut]) => chunk(t).slice(0, -cut - 1)),
      fc.tuple(texts, fc.nat(200), fc.constantFrom('"', '\\', ' ', 'x', '}')).map(([t, at, c]) => {
        const d = chunk(t);
        const i = at % d.length;
        return d.slice(0, i) + c + d.slice(i + 1);
      }),
      fc.constant('{"usage":{"prompt_tokens":3}}'),
      fc.tuple(fc.oneof(fc.nat(), fc.constantFrom('01', '-1', '1.5', '1e3', '9999999999999999', '0 ', '"1"', '')), texts).map(([n, t]) => typed(n, t)),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const s = new SseJsonShape();
        for (const data of events) expect(parsed(() => s.parse(data))).toEqual(parsed(() => JSON.parse(data)));
      }),
      { numRuns: 400 },
    );
  });
});

describe('SseJsonShape event counters', () => {
  it('learns a varying sequence_number as a counter and reads the next events through it', () => {
    const s = new SseJsonShape();
    s.parseFull(typed(4, 'Hel'));
    s.parseFull(typed(5, 'lo'));
    expect(s.learned).toBe(true);
    const data = typed(123, 'wor"ld');
    const m = s.match(data)!;
    expect(m.values).toEqual(['wor"ld']);
    expect(m.counters).toEqual([['sequence_number']]);
    expect(m.counts).toEqual([123]);
    expect(shapedValue(m)).toEqual(JSON.parse(data));
    expect(data.slice(m.counterSpans[0], m.counterSpans[1])).toBe('123');
    // Either leaf or both, in the bytes JSON.stringify would write for the changed value.
    expect(spliceShape(data, m, 0, 'X', 0, 7)).toBe(typed(7, 'X'));
    expect(spliceShape(data, m, -1, '', 0, 0)).toBe(typed(0, 'wor"ld'));
    expect(spliceShape(data, m, 0, 'é', -1, 0)).toBe(typed(123, 'é'));
    // A counter after the string: the splice keeps document order.
    const late = (seq: number, text: string) => JSON.stringify({ type: 'x', text, sequence_number: seq });
    const t = new SseJsonShape();
    t.parseFull(late(1, 'a'));
    t.parseFull(late(2, 'b'));
    const lm = t.match(late(30, 'c'))!;
    expect(spliceShape(late(30, 'c'), lm, 0, '"q"', 0, 31)).toBe(late(31, '"q"'));
  });

  it('reads through the shape only counters JSON.stringify writes, and parses the others in full', () => {
    const s = new SseJsonShape();
    s.parseFull(typed(1, 'a'));
    s.parseFull(typed(2, 'b'));
    for (const n of ['01', '-1', '1.5', '1e3', '9999999999999999', '', '"1"', ' 1']) {
      const data = typed(n, 'c');
      expect(s.match(data)).toBeNull();
      expect(parsed(() => s.parse(data))).toEqual(parsed(() => JSON.parse(data)));
    }
    expect(s.match(typed(999999999999999, 'c'))!.counts).toEqual([999999999999999]);
  });

  it('learns no shape from numbers that vary under any other key: a choice index means another shape', () => {
    const s = new SseJsonShape();
    const indexed = (index: number, content: string) => JSON.stringify({ ...head, choices: [{ index, delta: { content }, finish_reason: null }] });
    s.parseFull(indexed(0, 'a'));
    s.parseFull(indexed(1, 'b'));
    expect(s.learned).toBe(false);
    const t = new SseJsonShape();
    t.parseFull(typed(1, 'a'));
    t.parseFull(typed('1.5', 'b'));
    expect(t.learned).toBe(false);
  });

  it('counts failed attempts at learning from the last shape learned: a stream of shapes keeps learning its next kind of event', () => {
    const s = new SseJsonShape();
    const oneOff = (i: number) => s.parseFull(JSON.stringify({ other: i, n: [i] }));
    for (let i = 0; i < 7; i++) oneOff(i);
    s.parseFull(chunk('a'));
    s.parseFull(chunk('b'));
    for (let i = 0; i < 6; i++) oneOff(i);
    s.parseFull(typed(1, 'a'));
    s.parseFull(typed(2, 'b'));
    expect(s.match(typed(3, 'c'))).not.toBeNull();
  });
});
