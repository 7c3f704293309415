// Helper module of the XS self-test: imported by selftest-entry.ts to prove that a relative
// import resolves on XS. Host-free: plain ECMAScript only.

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), table built once at module start. */
const CRC_TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c >>> 0;
}

export function crc32(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Writes ASCII text into `target` at `offset`; returns the offset after it. */
export function putAscii(target: Uint8Array, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i) & 0x7f;
  return offset + text.length;
}
