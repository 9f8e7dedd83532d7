import { gzipSync } from "node:zlib";

const MiB = 1024 ** 2;
/** the largest size a plain ustar header holds: about 8 GiB */
export const HUGE = 0o77777777000;

/**
 * A double-gzipped tar whose one member claims ~8 GiB of zeros: about 13 KB that decompress to
 * 8 GiB through two gzip layers (the inner layer is 512 gzip members of 16 MiB of zeros each).
 * Reading it without limits means inflating all 8 GiB to skip the member.
 */
export function doubleGzipBomb(): Uint8Array {
  const zeros = Buffer.alloc(16 * MiB);
  const member = gzipSync(zeros, { level: 9 });
  const first = gzipSync(Buffer.concat([tarHeader("blob.bin", HUGE), zeros]), {
    level: 9,
  });
  const inner = Buffer.concat([first, ...Array<Buffer>(511).fill(member)]);
  return new Uint8Array(gzipSync(inner, { level: 9 }));
}

/** A ustar header for one regular file of `size` bytes (at most 8 GiB: 11 octal digits). */
export function tarHeader(name: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0);
  block.write("0000644\0", 100);
  block.write("0000000\0", 108);
  block.write("0000000\0", 116);
  block.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  block.write("00000000000\0", 136);
  block.write("0", 156);
  block.write("ustar\0", 257);
  block.write("00", 263);
  block.fill(0x20, 148, 156);
  const sum = block.reduce((a, b) => a + b, 0);
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}
