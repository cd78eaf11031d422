/**
 * @module http/request-io.node
 * The Node request IO (see `request-io.ts`): the body read straight from the `IncomingMessage`
 * with the same size cap, counted as chunks arrive, and "client gone" when the `ServerResponse`
 * closes before it finished. `@hono/node-server` passes `{ incoming, outgoing }`
 * as the app's bindings; anything else (the app called directly, in tests) falls back to the web
 * `Request`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VeilError } from '../util/errors.ts';
import { tooLarge } from './body.ts';
import type { RequestIo, RequestIoSource } from './request-io.ts';
import { rawHeader } from '../util/raw-header.ts';

interface NodeBindings {
  incoming: IncomingMessage;
  outgoing: ServerResponse;
}

function isNodeBindings(env: unknown): env is NodeBindings {
  const e = env as Partial<NodeBindings> | null | undefined;
  return typeof e?.incoming?.on === 'function' && typeof e?.outgoing?.on === 'function';
}

export const nodeRequestIo: RequestIoSource = (_raw, env) => (isNodeBindings(env) ? incomingIo(env.incoming, env.outgoing) : null);

export function incomingIo(incoming: IncomingMessage, outgoing: ServerResponse): RequestIo {
  return {
    body: (maxBytes) => readIncoming(incoming, maxBytes),
    header: (name) => rawHeader(incoming.rawHeaders, name),
    onClientGone(fn) {
      // 'close' after 'finish' is the normal end; before it, the client is gone.
      if (outgoing.closed) {
        if (!outgoing.writableFinished) fn();
      } else {
        outgoing.once('close', () => {
          if (!outgoing.writableFinished) fn();
        });
      }
    },
  };
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(incoming.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  if (incoming.readableEnded) return Promise.reject(new VeilError('invalid_json', 'The request body was already read.'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onGone);
      incoming.off('close', onGone);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        done();
        // The rest is left unread: @hono/node-server drains (bounded) or closes it once the 413 is sent.
        incoming.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onGone = () => {
      done();
      reject(clientGone());
    };
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onGone);
    incoming.once('close', onGone);
  });
}

function clientGone(): VeilError {
  return new VeilError('client_closed', 'Client closed the request.');
}
