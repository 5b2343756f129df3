// The upload's body: the file as raw bytes, read from the request as it arrives into blocks of 1 MB, then copied
// into one buffer a block at a time, letting the event loop serve other requests between two blocks (Fastify's own
// reader copies the whole body in one go once it has arrived: 20 MB, twenty uploads at once). Too large a body, or
// one that does not match its Content-Length, is refused with Fastify's own errors.
import type { Readable } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";
import { errorCodes, type FastifyRequest } from "fastify";

/** Bytes copied at a time. */
const BLOCK_BYTES = 1024 * 1024;

/** As Fastify's `parseAs: "buffer"` parser reads a body, within `limit` bytes, but copied a block at a time. */
export function readBody(request: FastifyRequest, payload: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const contentLength = Number(request.headers["content-length"]);
    if (contentLength > limit) {
      reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    const blocks: Buffer[] = [];
    let block: Buffer | null = null;
    let filled = 0;
    let received = 0;

    const stop = () => {
      payload.removeListener("data", onData);
      payload.removeListener("end", onEnd);
      payload.removeListener("error", onEnd);
    };
    function onData(data: Buffer | string) {
      const chunk = typeof data === "string" ? Buffer.from(data) : data;
      received += chunk.length;
      const { receivedEncodedLength = 0 } = payload as Readable & { receivedEncodedLength?: number };
      if (received > limit || receivedEncodedLength > limit) {
        stop();
        reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      // copied out of the socket's buffer as it comes, into blocks of BLOCK_BYTES
      let offset = 0;
      while (offset < chunk.length) {
        if (!block || filled === block.length) {
          block = Buffer.allocUnsafe(Math.min(BLOCK_BYTES, limit));
          blocks.push(block);
          filled = 0;
        }
        const copied = chunk.copy(block, filled, offset);
        filled += copied;
        offset += copied;
      }
    }
    function onEnd(error?: Error & { statusCode?: number }) {
      stop();
      if (error) {
        if (!(typeof error.statusCode === "number" && error.statusCode >= 400)) error.statusCode = 400;
        reject(error);
        return;
      }
      const { receivedEncodedLength } = payload as Readable & { receivedEncodedLength?: number };
      if (!Number.isNaN(contentLength) && (receivedEncodedLength || received) !== contentLength) {
        reject(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
        return;
      }
      joined(blocks, received).then(resolve, reject);
    }
    payload.on("data", onData);
    payload.on("end", onEnd);
    payload.on("error", onEnd);
    payload.resume();
  });
}

/** The blocks as one buffer of `length` bytes, copied a block at a time. */
async function joined(blocks: readonly Buffer[], length: number): Promise<Buffer> {
  const first = blocks[0];
  if (blocks.length <= 1) return first ? first.subarray(0, length) : Buffer.alloc(0);
  const body = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const [index, block] of blocks.entries()) {
    if (index > 0) await nextTurn();
    offset += block.copy(body, offset, 0, Math.min(block.length, length - offset));
  }
  return body;
}
