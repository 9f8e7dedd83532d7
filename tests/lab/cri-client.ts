import { connect as http2Connect } from "node:http2";
import { connect as netConnect } from "node:net";

/**
 * Minimal CRI client: unary gRPC over HTTP/2 on containerd's unix socket, protobuf encoded by
 * hand (no crictl on Debian 12, and no gRPC library needed for two tiny messages).
 */

export interface GrpcResult {
  ok: boolean;
  /** 0 = OK; 4 = DEADLINE_EXCEEDED (also used for our own timeout); 12 = UNIMPLEMENTED; 14 = UNAVAILABLE */
  grpcStatus: number;
  grpcMessage: string;
  /** the response message, without the 5-byte gRPC frame prefix */
  message: Buffer;
}

export interface PullResult {
  ok: boolean;
  grpcStatus: number;
  grpcMessage: string;
  /** PullImageResponse.image_ref: the image ID (config digest) containerd stored */
  imageRef?: string;
}

const GRPC_UNIMPLEMENTED = 12;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** One unary call; never throws: transport failures come back as UNAVAILABLE. */
export function grpcUnary(
  socketPath: string,
  method: string,
  request: Buffer,
  timeoutMs: number,
): Promise<GrpcResult> {
  return new Promise((resolve) => {
    const frame = Buffer.alloc(5 + request.length);
    frame.writeUInt32BE(request.length, 1); // byte 0: not compressed
    request.copy(frame, 5);
    let settled = false;
    const chunks: Buffer[] = [];
    let status: string | undefined;
    let statusMessage = "";
    const session = http2Connect("http://localhost", {
      createConnection: () => netConnect(socketPath),
    });
    const finish = (result: Omit<GrpcResult, "ok">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve({ ok: result.grpcStatus === 0, ...result });
    };
    const timer = setTimeout(
      () =>
        finish({
          grpcStatus: GRPC_DEADLINE_EXCEEDED,
          grpcMessage: `no answer within ${timeoutMs} ms`,
          message: Buffer.alloc(0),
        }),
      timeoutMs,
    );
    const transportError = (error: Error) =>
      finish({
        grpcStatus: GRPC_UNAVAILABLE,
        grpcMessage: error.message,
        message: Buffer.alloc(0),
      });
    session.on("error", transportError);
    const stream = session.request({
      ":method": "POST",
      ":path": method,
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-timeout": `${Math.max(1, Math.floor(timeoutMs))}m`,
    });
    // A trailers-only response (typical for errors) carries grpc-status in the headers.
    const takeStatus = (headers: Record<string, unknown>) => {
      if (headers["grpc-status"] !== undefined) status = String(headers["grpc-status"]);
      if (headers["grpc-message"] !== undefined)
        statusMessage = decodeGrpcMessage(String(headers["grpc-message"]));
    };
    stream.on("response", takeStatus);
    stream.on("trailers", takeStatus);
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", transportError);
    stream.on("close", () => {
      const body = Buffer.concat(chunks);
      const message =
        body.length >= 5 ? body.subarray(5, 5 + body.readUInt32BE(1)) : Buffer.alloc(0);
      if (status === undefined) {
        finish({
          grpcStatus: GRPC_UNAVAILABLE,
          grpcMessage: "stream closed without grpc-status",
          message,
        });
      } else {
        finish({ grpcStatus: Number(status), grpcMessage: statusMessage, message });
      }
    });
    stream.end(frame);
  });
}

function decodeGrpcMessage(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Call the CRI v1 service, or v1alpha2 when the runtime only serves that. */
async function criCall(
  socketPath: string,
  service: string,
  rpc: string,
  request: Buffer,
  timeoutMs: number,
) {
  const v1 = await grpcUnary(socketPath, `/runtime.v1.${service}/${rpc}`, request, timeoutMs);
  if (v1.grpcStatus !== GRPC_UNIMPLEMENTED) return v1;
  return grpcUnary(socketPath, `/runtime.v1alpha2.${service}/${rpc}`, request, timeoutMs);
}

/** CRI PullImage(PullImageRequest{image: ImageSpec{image: ref}}), bounded by `timeoutMs`. */
export async function pullImage(
  socketPath: string,
  ref: string,
  timeoutMs = 20_000,
): Promise<PullResult> {
  const request = pbMessage(1, pbString(1, ref));
  const result = await criCall(socketPath, "ImageService", "PullImage", request, timeoutMs);
  const pull: PullResult = {
    ok: result.ok,
    grpcStatus: result.grpcStatus,
    grpcMessage: result.grpcMessage,
  };
  if (result.ok) pull.imageRef = pbReadString(result.message, 1);
  return pull;
}

/** CRI Version(): answers once the CRI plugin is up (used as the readiness probe). */
export async function criVersion(socketPath: string, timeoutMs = 2_000): Promise<GrpcResult> {
  return criCall(socketPath, "RuntimeService", "Version", Buffer.alloc(0), timeoutMs);
}

// --- protobuf, just enough for length-delimited fields ---

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function pbBytes(field: number, data: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(data.length), data]);
}

const pbString = (field: number, value: string) => pbBytes(field, Buffer.from(value, "utf8"));
const pbMessage = (field: number, message: Buffer) => pbBytes(field, message);

/** First length-delimited field `field` of a message, as UTF-8 (skips other fields). */
export function pbReadString(message: Buffer, field: number): string | undefined {
  let at = 0;
  const readVarint = (): number => {
    let result = 0;
    let shift = 1;
    for (;;) {
      const byte = message[at++];
      if (byte === undefined) throw new Error("truncated protobuf");
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
      shift *= 128;
    }
  };
  while (at < message.length) {
    const key = readVarint();
    const wire = key & 7;
    if (wire === 0) readVarint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = readVarint();
      if (key >>> 3 === field) return message.subarray(at, at + length).toString("utf8");
      at += length;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return undefined;
}
