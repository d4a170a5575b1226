import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { decodeOtlp } from './otlp-decode.js';
import {
  JSON_TYPE,
  PROTO_TYPE,
  json,
  protobufRequest,
  sdkLogRecords,
} from '../../../test-support/otlp-fixtures.js';
import { MAX_VALUE_DEPTH } from './otlp-wire.js';

function varint(n: number): Buffer {
  const bytes: number[] = [];
  for (; n > 0x7f; n = Math.floor(n / 128)) bytes.push((n & 0x7f) | 0x80);
  bytes.push(n);
  return Buffer.from(bytes);
}

describe('decodeOtlp refuses bad input', () => {
  const logsWith = (record: unknown) => json({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
  const AT = 'resourceLogs[0].scopeLogs[0].logRecords[0]';

  it('answers 415 for other content types, naming it and the accepted ones', () => {
    expect(() => decodeOtlp('logs', 'text/plain', json({}))).toThrow(
      expect.objectContaining({
        code: 'unsupported_media_type',
        status: 415,
        message:
          'content type "text/plain" is not supported for OTLP; use application/x-protobuf or application/json',
      }),
    );
    expect(() => decodeOtlp('logs', undefined, json({}))).toThrow(
      expect.objectContaining({ code: 'unsupported_media_type' }),
    );
    expect(() => decodeOtlp('logs', 'application/protobuf-ish', Buffer.alloc(0))).toThrow(
      expect.objectContaining({ status: 415 }),
    );
  });

  it('answers 400 for malformed JSON', () => {
    expect(() => decodeOtlp('logs', JSON_TYPE, Buffer.from('{"resourceLogs": ['))).toThrow(
      expect.objectContaining({
        code: 'invalid_body',
        status: 400,
        message: expect.stringMatching(/not valid JSON/),
      }),
    );
  });

  it('answers 400 naming the field for JSON of the wrong shape', () => {
    expect(() => decodeOtlp('logs', JSON_TYPE, json({ resourceLogs: {} }))).toThrow(
      expect.objectContaining({
        code: 'invalid_body',
        details: { issues: [expect.objectContaining({ path: 'resourceLogs' })] },
      }),
    );
    expect(() => decodeOtlp('logs', JSON_TYPE, json([1, 2]))).toThrow(
      expect.objectContaining({ code: 'invalid_body' }),
    );
  });

  it.each([
    ['an int64 that is not a number', { intValue: 'abc' }, 'attributes[0].value.intValue'],
    ['a fractional int64', { intValue: 1.5 }, 'attributes[0].value.intValue'],
    ['an int64 out of range', { intValue: '9223372036854775808' }, 'attributes[0].value.intValue'],
    ['a string bool', { boolValue: 'true' }, 'attributes[0].value.boolValue'],
    ['a numeric string value', { stringValue: 5 }, 'attributes[0].value.stringValue'],
    ['bytes that are not base64', { bytesValue: 'not base64!' }, 'attributes[0].value.bytesValue'],
    ['two values in one AnyValue', { stringValue: 'a', intValue: '1' }, 'attributes[0].value'],
    ['a bare value instead of an AnyValue', 'plain', 'attributes[0].value'],
    [
      'array values that are not a list',
      { arrayValue: { values: { stringValue: 'a' } } },
      'attributes[0].value.arrayValue.values',
    ],
  ])('answers 400 for %s in an attribute', (_what, value, field) => {
    const call = () => decodeOtlp('logs', JSON_TYPE, logsWith({ attributes: [{ key: 'k', value }] }));
    expect(call).toThrow(
      expect.objectContaining({
        code: 'invalid_body',
        details: { issues: [expect.objectContaining({ path: `${AT}.${field}` })] },
      }),
    );
  });

  it.each([
    ['a trace id that is not hex', { traceId: 'z'.repeat(32) }, 'traceId'],
    ['a short span id', { spanId: 'abcd' }, 'spanId'],
    ['a negative time', { timeUnixNano: '-5' }, 'timeUnixNano'],
    ['an unknown severity name', { severityNumber: 'SEVERITY_NUMBER_LOUD' }, 'severityNumber'],
    ['an inherited name as an enum', { severityNumber: 'toString' }, 'severityNumber'],
    ['a negative flags field', { flags: -1 }, 'flags'],
  ])('answers 400 for %s in a log record', (_what, record, field) => {
    expect(() => decodeOtlp('logs', JSON_TYPE, logsWith(record))).toThrow(
      expect.objectContaining({
        code: 'invalid_body',
        details: { issues: [expect.objectContaining({ path: `${AT}.${field}` })] },
      }),
    );
  });

  it('accepts values nested to the depth limit and refuses one level more, in JSON and protobuf', () => {
    const nested = (levels: number) => {
      let value: object = { stringValue: 'leaf' };
      for (let i = 0; i < levels; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
      return { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: value }] }] }] };
    };
    for (const [type, encode] of [
      [JSON_TYPE, json],
      [PROTO_TYPE, (v: object) => protobufRequest('logs', v as Record<string, unknown>)],
    ] as const) {
      expect(() => decodeOtlp('logs', type, encode(nested(MAX_VALUE_DEPTH)))).not.toThrow();
      const path = `${AT}.body${'.kvlistValue.values[0].value'.repeat(MAX_VALUE_DEPTH)}.kvlistValue`;
      expect(() => decodeOtlp('logs', type, encode(nested(MAX_VALUE_DEPTH + 1)))).toThrow(
        expect.objectContaining({
          code: 'invalid_body',
          details: { issues: [{ path, message: `values nest deeper than ${MAX_VALUE_DEPTH} levels` }] },
        }),
      );
    }
  });

  it('answers 400, not a crash, for absurdly deep nesting', () => {
    const deep = '{"arrayValue":{"values":['.repeat(100_000) + ']}}'.repeat(100_000);
    const body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${deep}}]}]}]}`;
    expect(() => decodeOtlp('logs', JSON_TYPE, Buffer.from(body))).toThrow(
      expect.objectContaining({ code: 'invalid_body', message: expect.stringMatching(/nest deeper than/) }),
    );
    let proto = Buffer.from([0x0a, 0x00]); // AnyValue{ string_value: "" }
    for (let i = 0; i < 500; i++) {
      // ArrayValue{ values: [proto] } wrapped as AnyValue{ array_value: ... }
      const array = Buffer.concat([Buffer.from([0x0a]), varint(proto.length), proto]);
      proto = Buffer.concat([Buffer.from([0x2a]), varint(array.length), array]);
    }
    const record = Buffer.concat([Buffer.from([0x2a]), varint(proto.length), proto]); // LogRecord.body
    const scopeLogs = Buffer.concat([Buffer.from([0x12]), varint(record.length), record]);
    const resourceLogs = Buffer.concat([Buffer.from([0x12]), varint(scopeLogs.length), scopeLogs]);
    const request = Buffer.concat([Buffer.from([0x0a]), varint(resourceLogs.length), resourceLogs]);
    expect(() => decodeOtlp('logs', PROTO_TYPE, request)).toThrow(
      expect.objectContaining({
        code: 'invalid_body',
        message: 'the OTLP protobuf body is malformed: max depth exceeded',
      }),
    );
  });

  it('answers 400 for protobuf that is garbage, truncated, or has ids of the wrong length', async () => {
    const valid = Buffer.from(ProtobufLogsSerializer.serializeRequest(await sdkLogRecords())!);
    const malformed = expect.objectContaining({
      code: 'invalid_body',
      status: 400,
      message: expect.stringMatching(/^the OTLP protobuf body is malformed: /),
    });
    expect(() => decodeOtlp('logs', PROTO_TYPE, Buffer.from('deadbeefcafebabe0123456789', 'hex'))).toThrow(
      malformed,
    );
    expect(() => decodeOtlp('logs', PROTO_TYPE, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]))).toThrow(
      malformed,
    );
    expect(() => decodeOtlp('logs', PROTO_TYPE, valid.subarray(0, valid.length - 7))).toThrow(malformed);
    expect(() => decodeOtlp('logs', PROTO_TYPE, Buffer.from(JSON.stringify({ resourceLogs: [] })))).toThrow(
      malformed,
    );
    const badId = protobufRequest('traces', {
      resourceSpans: [{ scopeSpans: [{ spans: [{ name: 's', traceId: Buffer.from([1, 2, 3, 4, 5]) }] }] }],
    });
    expect(() => decodeOtlp('traces', PROTO_TYPE, badId)).toThrow(
      expect.objectContaining({
        code: 'invalid_body',
        message:
          'the OTLP traces request is invalid at resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 16 bytes, got 5',
      }),
    );
  });
});
