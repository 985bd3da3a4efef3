/*
 * roshan-age.js — age v1 encryption (X25519 recipient) for roshan's offline HTML form.
 *
 * Written for roshan from the public specifications (no third-party code):
 *   age v1 format ............ https://age-encryption.org/v1 (C2SP age.md)
 *   X25519 ................... RFC 7748 §5 (Montgomery ladder, BigInt arithmetic)
 *   ChaCha20-Poly1305 ........ RFC 8439
 *   HKDF / HMAC / SHA-256 .... RFC 5869, RFC 2104, FIPS 180-4
 *   bech32 ................... BIP 173
 * Everything runs locally; the only platform service used is crypto.getRandomValues.
 * Licence: AGPL-3.0-or-later, like the rest of roshan.
 *
 * Caveat (documented in docs/intake.md): BigInt arithmetic is not constant-time.
 * The only secret it touches is the one-time ephemeral key of each file, so a
 * timing attacker would need to watch this browser while it encrypts.
 */
(function (root) {
  "use strict";
  const enc = new TextEncoder();

  // ---------------------------------------------------------------- SHA-256
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

  function Sha256() {
    this.h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    this.buf = new Uint8Array(64); this.bufLen = 0; this.total = 0; this.w = new Uint32Array(64);
  }
  Sha256.prototype._block = function (b, off) {
    const w = this.w, h = this.h;
    for (let i = 0; i < 16; i++) {
      const j = off + 4 * i;
      w[i] = (b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15], y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[i] + w[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const mj = (a & bb) ^ (a & c) ^ (bb & c);
      const t2 = (S0 + mj) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  };
  Sha256.prototype.update = function (data) {
    let i = 0;
    this.total += data.length;
    if (this.bufLen) {
      while (this.bufLen < 64 && i < data.length) this.buf[this.bufLen++] = data[i++];
      if (this.bufLen === 64) { this._block(this.buf, 0); this.bufLen = 0; }
    }
    for (; i + 64 <= data.length; i += 64) this._block(data, i);
    while (i < data.length) this.buf[this.bufLen++] = data[i++];
    return this;
  };
  Sha256.prototype.digest = function () {
    const bits = this.total * 8;
    const pad = new Uint8Array(((this.bufLen < 56) ? 56 : 120) - this.bufLen + 8);
    pad[0] = 0x80;
    const hi = Math.floor(bits / 0x100000000), lo = bits >>> 0;
    const n = pad.length;
    pad[n - 8] = hi >>> 24; pad[n - 7] = hi >>> 16; pad[n - 6] = hi >>> 8; pad[n - 5] = hi;
    pad[n - 4] = lo >>> 24; pad[n - 3] = lo >>> 16; pad[n - 2] = lo >>> 8; pad[n - 1] = lo;
    this.total -= 0; this.update(pad);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      out[4 * i] = this.h[i] >>> 24; out[4 * i + 1] = this.h[i] >>> 16;
      out[4 * i + 2] = this.h[i] >>> 8; out[4 * i + 3] = this.h[i];
    }
    return out;
  };
  function sha256(data) { return new Sha256().update(data).digest(); }

  function hmacSha256(key, msg) {
    if (key.length > 64) key = sha256(key);
    const k = new Uint8Array(64); k.set(key);
    const ipad = k.map((x) => x ^ 0x36), opad = k.map((x) => x ^ 0x5c);
    const inner = new Sha256().update(ipad).update(msg).digest();
    return new Sha256().update(opad).update(inner).digest();
  }

  function hkdf32(ikm, salt, info) {
    const prk = hmacSha256(salt.length ? salt : new Uint8Array(32), ikm);
    const t = new Uint8Array(info.length + 1); t.set(info); t[info.length] = 1;
    return hmacSha256(prk, t);
  }

  // --------------------------------------------------------- ChaCha20-Poly1305
  // One state and one working array reused for every block (allocation dominated before).
  const CS = new Uint32Array(16), CX = new Uint32Array(16);
  function chachaBlock(keyWords, counter, nonceWords, out) {
    const s = CS, x = CX;
    s[0] = 0x61707865; s[1] = 0x3320646e; s[2] = 0x79622d32; s[3] = 0x6b206574;
    s.set(keyWords, 4); s[12] = counter; s[13] = nonceWords[0]; s[14] = nonceWords[1];
    s[15] = nonceWords[2];
    let x0 = s[0], x1 = s[1], x2 = s[2], x3 = s[3], x4 = s[4], x5 = s[5], x6 = s[6], x7 = s[7],
      x8 = s[8], x9 = s[9], x10 = s[10], x11 = s[11], x12 = s[12], x13 = s[13], x14 = s[14],
      x15 = s[15], t;
    for (let i = 0; i < 10; i++) {
      // column rounds
      x0 = (x0 + x4) | 0; t = x12 ^ x0; x12 = (t << 16) | (t >>> 16);
      x8 = (x8 + x12) | 0; t = x4 ^ x8; x4 = (t << 12) | (t >>> 20);
      x0 = (x0 + x4) | 0; t = x12 ^ x0; x12 = (t << 8) | (t >>> 24);
      x8 = (x8 + x12) | 0; t = x4 ^ x8; x4 = (t << 7) | (t >>> 25);
      x1 = (x1 + x5) | 0; t = x13 ^ x1; x13 = (t << 16) | (t >>> 16);
      x9 = (x9 + x13) | 0; t = x5 ^ x9; x5 = (t << 12) | (t >>> 20);
      x1 = (x1 + x5) | 0; t = x13 ^ x1; x13 = (t << 8) | (t >>> 24);
      x9 = (x9 + x13) | 0; t = x5 ^ x9; x5 = (t << 7) | (t >>> 25);
      x2 = (x2 + x6) | 0; t = x14 ^ x2; x14 = (t << 16) | (t >>> 16);
      x10 = (x10 + x14) | 0; t = x6 ^ x10; x6 = (t << 12) | (t >>> 20);
      x2 = (x2 + x6) | 0; t = x14 ^ x2; x14 = (t << 8) | (t >>> 24);
      x10 = (x10 + x14) | 0; t = x6 ^ x10; x6 = (t << 7) | (t >>> 25);
      x3 = (x3 + x7) | 0; t = x15 ^ x3; x15 = (t << 16) | (t >>> 16);
      x11 = (x11 + x15) | 0; t = x7 ^ x11; x7 = (t << 12) | (t >>> 20);
      x3 = (x3 + x7) | 0; t = x15 ^ x3; x15 = (t << 8) | (t >>> 24);
      x11 = (x11 + x15) | 0; t = x7 ^ x11; x7 = (t << 7) | (t >>> 25);
      // diagonal rounds
      x0 = (x0 + x5) | 0; t = x15 ^ x0; x15 = (t << 16) | (t >>> 16);
      x10 = (x10 + x15) | 0; t = x5 ^ x10; x5 = (t << 12) | (t >>> 20);
      x0 = (x0 + x5) | 0; t = x15 ^ x0; x15 = (t << 8) | (t >>> 24);
      x10 = (x10 + x15) | 0; t = x5 ^ x10; x5 = (t << 7) | (t >>> 25);
      x1 = (x1 + x6) | 0; t = x12 ^ x1; x12 = (t << 16) | (t >>> 16);
      x11 = (x11 + x12) | 0; t = x6 ^ x11; x6 = (t << 12) | (t >>> 20);
      x1 = (x1 + x6) | 0; t = x12 ^ x1; x12 = (t << 8) | (t >>> 24);
      x11 = (x11 + x12) | 0; t = x6 ^ x11; x6 = (t << 7) | (t >>> 25);
      x2 = (x2 + x7) | 0; t = x13 ^ x2; x13 = (t << 16) | (t >>> 16);
      x8 = (x8 + x13) | 0; t = x7 ^ x8; x7 = (t << 12) | (t >>> 20);
      x2 = (x2 + x7) | 0; t = x13 ^ x2; x13 = (t << 8) | (t >>> 24);
      x8 = (x8 + x13) | 0; t = x7 ^ x8; x7 = (t << 7) | (t >>> 25);
      x3 = (x3 + x4) | 0; t = x14 ^ x3; x14 = (t << 16) | (t >>> 16);
      x9 = (x9 + x14) | 0; t = x4 ^ x9; x4 = (t << 12) | (t >>> 20);
      x3 = (x3 + x4) | 0; t = x14 ^ x3; x14 = (t << 8) | (t >>> 24);
      x9 = (x9 + x14) | 0; t = x4 ^ x9; x4 = (t << 7) | (t >>> 25);
    }
    x[0] = x0; x[1] = x1; x[2] = x2; x[3] = x3; x[4] = x4; x[5] = x5; x[6] = x6; x[7] = x7;
    x[8] = x8; x[9] = x9; x[10] = x10; x[11] = x11; x[12] = x12; x[13] = x13; x[14] = x14;
    x[15] = x15;
    for (let i = 0; i < 16; i++) {
      const v = (x[i] + s[i]) >>> 0;
      out[4 * i] = v; out[4 * i + 1] = v >>> 8; out[4 * i + 2] = v >>> 16; out[4 * i + 3] = v >>> 24;
    }
  }
  function words(bytes) {
    const w = new Uint32Array(bytes.length / 4);
    for (let i = 0; i < w.length; i++) {
      w[i] = bytes[4 * i] | (bytes[4 * i + 1] << 8) | (bytes[4 * i + 2] << 16) | (bytes[4 * i + 3] << 24);
    }
    return w;
  }
  function chacha20Xor(key, nonce, counter, data) {
    const kw = words(key), nw = words(nonce), out = new Uint8Array(data.length);
    const block = new Uint8Array(64);
    for (let off = 0; off < data.length; off += 64, counter++) {
      chachaBlock(kw, counter, nw, block);
      const n = Math.min(64, data.length - off);
      for (let i = 0; i < n; i++) out[off + i] = data[off + i] ^ block[i];
    }
    return out;
  }
  const P1305 = (1n << 130n) - 5n;
  function leBig(bytes, off, len) {
    let v = 0n;
    for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i]);
    return v;
  }
  function poly1305(key, msg) {
    const r = leBig(key, 0, 16) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
    const s = leBig(key, 16, 16);
    let acc = 0n;
    for (let off = 0; off < msg.length; off += 16) {
      const len = Math.min(16, msg.length - off);
      const n = leBig(msg, off, len) | (1n << BigInt(8 * len));
      acc = ((acc + n) * r) % P1305;
    }
    acc = (acc + s) & ((1n << 128n) - 1n);
    const tag = new Uint8Array(16);
    for (let i = 0; i < 16; i++) { tag[i] = Number(acc & 0xffn); acc >>= 8n; }
    return tag;
  }
  function aeadSeal(key, nonce, plaintext) {
    const block = new Uint8Array(64);
    chachaBlock(words(key), 0, words(nonce), block);
    const ct = chacha20Xor(key, nonce, 1, plaintext);
    const padLen = (16 - (ct.length % 16)) % 16;
    const mac = new Uint8Array(ct.length + padLen + 16);
    mac.set(ct);
    let len = ct.length;
    const lenOff = ct.length + padLen + 8;
    for (let i = 0; i < 8; i++) { mac[lenOff + i] = len % 256; len = Math.floor(len / 256); }
    const tag = poly1305(block.subarray(0, 32), mac);
    const out = new Uint8Array(ct.length + 16); out.set(ct); out.set(tag, ct.length);
    return out;
  }

  // ------------------------------------------------------------------ X25519
  const P = (1n << 255n) - 19n;
  const md = (a) => { const r = a % P; return r < 0n ? r + P : r; };
  function modPow(b, e) {
    let r = 1n; b = md(b);
    while (e > 0n) { if (e & 1n) r = (r * b) % P; b = (b * b) % P; e >>= 1n; }
    return r;
  }
  function x25519(scalar, uBytes) {
    const k = Uint8Array.from(scalar); k[0] &= 248; k[31] &= 127; k[31] |= 64;
    const kn = leBig(k, 0, 32);
    const u = Uint8Array.from(uBytes); u[31] &= 127;
    const x1 = md(leBig(u, 0, 32));
    let x2 = 1n, z2 = 0n, x3 = x1, z3 = 1n, swap = 0n;
    for (let t = 254n; t >= 0n; t--) {
      const kt = (kn >> t) & 1n;
      swap ^= kt;
      if (swap) { [x2, x3] = [x3, x2]; [z2, z3] = [z3, z2]; }
      swap = kt;
      const A = md(x2 + z2), AA = (A * A) % P, B = md(x2 - z2), BB = (B * B) % P;
      const E = md(AA - BB), C = md(x3 + z3), D = md(x3 - z3);
      const DA = (D * A) % P, CB = (C * B) % P;
      x3 = md((DA + CB) ** 2n); z3 = md(x1 * md((DA - CB) ** 2n));
      x2 = (AA * BB) % P; z2 = md(E * md(AA + 121665n * E));
    }
    if (swap) { [x2, x3] = [x3, x2]; [z2, z3] = [z3, z2]; }
    let res = md(x2 * modPow(z2, P - 2n));
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) { out[i] = Number(res & 0xffn); res >>= 8n; }
    return out;
  }
  const BASE = (() => { const b = new Uint8Array(32); b[0] = 9; return b; })();

  // ------------------------------------------------------------ encodings
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  function b64NoPad(bytes) {
    let s = "";
    for (let i = 0; i < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
      s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
      if (i + 1 < bytes.length) s += B64[(n >> 6) & 63];
      if (i + 2 < bytes.length) s += B64[n & 63];
    }
    return s;
  }
  function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""); }
  const BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  function bech32Polymod(values) {
    const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let chk = 1;
    for (const v of values) {
      const top = chk >>> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ v;
      for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= G[i];
    }
    return chk >>> 0;
  }
  function decodeRecipient(text) {
    const s = text.trim().toLowerCase();
    const pos = s.lastIndexOf("1");
    const hrp = s.slice(0, pos), data = s.slice(pos + 1);
    if (hrp !== "age" || data.length < 6) throw new Error("not an age recipient");
    const vals = Array.from(data, (c) => { const i = BECH.indexOf(c); if (i < 0) throw new Error("bad bech32"); return i; });
    const exp = [...Array.from(hrp, (c) => c.charCodeAt(0) >> 5), 0, ...Array.from(hrp, (c) => c.charCodeAt(0) & 31)];
    if (bech32Polymod(exp.concat(vals)) !== 1) throw new Error("age recipient checksum is wrong");
    let acc = 0, bits = 0; const out = [];
    for (const v of vals.slice(0, -6)) {
      acc = (acc << 5) | v; bits += 5;
      while (bits >= 8) { bits -= 8; out.push((acc >> bits) & 0xff); }
      acc &= (1 << bits) - 1;
    }
    if (out.length !== 32) throw new Error("age recipient has the wrong length");
    return Uint8Array.from(out);
  }
  function random(n) {
    const b = new Uint8Array(n);
    (root.crypto || globalThis.crypto).getRandomValues(b);
    return b;
  }
  function concat(parts) {
    const n = parts.reduce((a, p) => a + p.length, 0), out = new Uint8Array(n);
    let o = 0; for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  // ------------------------------------------------------------- age encrypt
  const CHUNK = 65536;
  function encrypt(plaintext, recipient) {
    const R = decodeRecipient(recipient);
    const fileKey = random(16);
    const e = random(32);
    const E = x25519(e, BASE);
    const shared = x25519(e, R);
    if (shared.every((b) => b === 0)) throw new Error("bad recipient (low-order point)");
    const wrapKey = hkdf32(shared, concat([E, R]), enc.encode("age-encryption.org/v1/X25519"));
    const body = aeadSeal(wrapKey, new Uint8Array(12), fileKey);
    const header = enc.encode("age-encryption.org/v1\n-> X25519 " + b64NoPad(E) + "\n" +
                              b64NoPad(body) + "\n---");
    const mac = hmacSha256(hkdf32(fileKey, new Uint8Array(0), enc.encode("header")), header);
    const nonce = random(16);
    const pkey = hkdf32(fileKey, nonce, enc.encode("payload"));
    const parts = [header, enc.encode(" " + b64NoPad(mac) + "\n"), nonce];
    const n = Math.max(1, Math.ceil(plaintext.length / CHUNK));
    for (let i = 0; i < n; i++) {
      const cn = new Uint8Array(12);
      let c = i;
      for (let j = 10; j >= 0 && c > 0; j--) { cn[j] = c % 256; c = Math.floor(c / 256); }
      cn[11] = i === n - 1 ? 1 : 0;
      parts.push(aeadSeal(pkey, cn, plaintext.subarray(i * CHUNK, (i + 1) * CHUNK)));
    }
    return concat(parts);
  }

  // ----------------------------------------------- attachments: strip and check
  const MAX_PIXELS = 100000000;
  function sniff(b) {
    if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
    if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png";
    if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return "image/gif";
    if (b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return "image/webp";
    if (b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70) {
      const brand = String.fromCharCode(b[8], b[9], b[10], b[11]);
      if (["heic", "heix", "heim", "heis", "mif1", "msf1", "hevc", "hevx"].includes(brand)) return "image/heic";
      if (brand === "avif" || brand === "avis") return "image/avif";
      return "video/mp4";
    }
    if (b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46) return "application/pdf";
    if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4) return "application/zip";
    return "application/octet-stream";
  }
  function stripJpeg(d) {
    const DROP = { 0xe1: "EXIF/XMP", 0xec: "APP12", 0xed: "IPTC", 0xfe: "comment" };
    const parts = [d.subarray(0, 2)], removed = [];
    let i = 2;
    while (i < d.length) {
      if (d[i] !== 0xff) throw new Error("corrupt JPEG");
      while (i < d.length && d[i] === 0xff) i++;
      const m = d[i++];
      if (m === 0xda || m === 0xd9) { parts.push(Uint8Array.of(0xff, m), d.subarray(i)); break; }
      if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) { parts.push(Uint8Array.of(0xff, m)); continue; }
      const len = (d[i] << 8) | d[i + 1];
      if (len < 2 || i + len > d.length) throw new Error("truncated JPEG");
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
        const h = (d[i + 3] << 8) | d[i + 4], w = (d[i + 5] << 8) | d[i + 6];
        if (w * h > MAX_PIXELS) throw new Error("image declares too many pixels (decompression bomb)");
      }
      if (DROP[m]) removed.push(DROP[m]); else parts.push(Uint8Array.of(0xff, m), d.subarray(i, i + len));
      i += len;
    }
    return [concat(parts), removed];
  }
  function stripPng(d) {
    const DROP = new Set(["eXIf", "tEXt", "zTXt", "iTXt", "tIME"]);
    const parts = [d.subarray(0, 8)], removed = [];
    let i = 8;
    while (i + 8 <= d.length) {
      const len = ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0;
      const type = String.fromCharCode(d[i + 4], d[i + 5], d[i + 6], d[i + 7]);
      const end = i + 12 + len;
      if (end > d.length) throw new Error("truncated PNG");
      if (type === "IHDR") {
        const dv = new DataView(d.buffer, d.byteOffset + i + 8, 8);
        if (dv.getUint32(0) * dv.getUint32(4) > MAX_PIXELS) throw new Error("image declares too many pixels (decompression bomb)");
      }
      if (DROP.has(type)) removed.push(type); else parts.push(d.subarray(i, end));
      i = end;
      if (type === "IEND") break;
    }
    return [concat(parts), removed];
  }
  // MP4/MOV: udta and meta boxes (GPS, camera make/model) become free boxes of the
  // same size with zeroed content, so no offset moves (same as roshan.intake.media).
  const MP4_CONTAINERS = new Set(["moov", "trak", "mdia", "minf", "edts", "dinf", "stbl", "mvex", "moof", "traf"]);
  function stripMp4(d) {
    const out = Uint8Array.from(d), removed = [], dv = new DataView(d.buffer, d.byteOffset, d.length);
    let count = 0;
    const typeAt = (p) => String.fromCharCode(d[p + 4], d[p + 5], d[p + 6], d[p + 7]);
    function walk(start, end, depth, inMoov) {
      let pos = start;
      while (pos + 8 <= end) {
        if (++count > 100000 || depth > 16) throw new Error("MP4 box structure too deep");
        let size = dv.getUint32(pos), hdr = 8;
        const type = typeAt(pos);
        if (size === 1) {
          if (pos + 16 > end) throw new Error("truncated MP4");
          size = dv.getUint32(pos + 8) * 4294967296 + dv.getUint32(pos + 12); hdr = 16;
        } else if (size === 0) size = end - pos;
        if (size < hdr || pos + size > end) throw new Error("malformed MP4 box");
        if (inMoov && (type === "udta" || type === "meta")) {
          removed.push(type);
          out.set([0x66, 0x72, 0x65, 0x65], pos + 4);  // "free"
          out.fill(0, pos + hdr, pos + size);
        } else if (type === "moov" || (inMoov && MP4_CONTAINERS.has(type))) walk(pos + hdr, pos + size, depth + 1, true);
        pos += size;
      }
    }
    walk(0, d.length, 0, false);
    return [out, removed];
  }
  function cleanAttachment(data, keepMetadata) {
    const type = sniff(data);
    let out = data, removed = [], stripped = false;
    if (type === "image/jpeg") { const r = stripJpeg(data); if (!keepMetadata) { [out, removed] = r; stripped = true; } }
    else if (type === "image/png") { const r = stripPng(data); if (!keepMetadata) { [out, removed] = r; stripped = true; } }
    else if (type === "video/mp4" && !keepMetadata) {
      try { [out, removed] = stripMp4(data); stripped = true; } catch (e) { out = data; removed = []; }
    }
    return { data: out, mediaType: type, metadataStripped: stripped, removed };
  }

  // ------------------------------------------------------- report and bundle
  function canonicalJson(v) {
    if (Array.isArray(v)) return "[" + v.map(canonicalJson).join(",") + "]";
    if (v && typeof v === "object") {
      return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canonicalJson(v[k])).join(",") + "}";
    }
    return JSON.stringify(v);
  }
  function safeName(name) {
    let base = String(name).split(/[\/\\]/).pop().normalize("NFC");
    base = base.replace(/[\x00-\x1f\x7f\/\\:]/g, "_").replace(/^[. ]+|[. ]+$/g, "");
    return base.slice(0, 120) || "attachment";
  }
  /**
   * Build one encrypted report. victim: {canonical field: text}; attachments:
   * [{name, data: Uint8Array}]. Returns {reportId, blobs: [{name, data}], warnings}
   * where every blob is age ciphertext named <kind>/<sha256 of ciphertext>.age.
   */
  function buildReport(recipient, form) {
    const blobs = [], warnings = [], atts = [];
    const put = (kind, plain) => {
      const ct = encrypt(plain, recipient);
      const sha = hex(sha256(ct));
      blobs.push({ name: kind + "/" + sha + ".age", data: ct });
      return sha;
    };
    for (const a of form.attachments || []) {
      const c = cleanAttachment(a.data, !!form.keepMetadata);
      const blob = put("attachments", c.data);
      if (!c.metadataStripped && !form.keepMetadata) {
        warnings.push(safeName(a.name) + ": metadata of " + c.mediaType + " files cannot be stripped here");
      }
      atts.push({ blob, sha256: hex(sha256(c.data)), size: c.data.length,
                  original_sha256: hex(sha256(a.data)), media_type: c.mediaType,
                  metadata_stripped: c.metadataStripped, removed: c.removed, name: safeName(a.name) });
    }
    let witness = null;
    if (form.witnessContact && form.witnessContact.trim()) {
      const w = { format: "roshan-intake-witness/1", nonce: hex(random(16)), contact: form.witnessContact.trim() };
      witness = { blob: put("witness", enc.encode(canonicalJson(w))) };
    }
    const victim = {};
    for (const [k, v] of Object.entries(form.victim || {})) if (v && String(v).trim()) victim[k] = String(v).trim();
    const report = {
      format: "roshan-intake-report/1", nonce: hex(random(16)),
      created_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      language: form.language === "fa" ? "fa" : "en", client: "roshan-html-form/1",
      victim, circumstances: (form.circumstances || "").trim(), witness, attachments: atts,
      keep_metadata: !!form.keepMetadata,
    };
    const plain = enc.encode(canonicalJson(report));
    const reportId = hex(sha256(plain));
    put("reports", plain);
    return { reportId, blobs, warnings };
  }
  /** A roshan bundle (roshan-bundle/1) of the given blobs; returns {bundleId, data}. */
  function buildBundle(blobs) {
    const manifest = enc.encode(JSON.stringify({
      format: "roshan-bundle/1", created_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      entries: blobs.map((b) => ({ name: b.name, size: b.data.length })) }));
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, manifest.length);
    const data = concat([enc.encode("ROSHAN-BUNDLE\u0000v1\n"), len, manifest, ...blobs.map((b) => b.data)]);
    return { bundleId: hex(sha256(data)), data };
  }

  const api = { sha256, hmacSha256, hkdf32, aeadSeal, poly1305, x25519, b64NoPad, hex,
                decodeRecipient, encrypt, cleanAttachment, stripJpeg, stripPng, stripMp4, sniff,
                canonicalJson, safeName, buildReport, buildBundle };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.RoshanAge = api;
})(typeof window !== "undefined" ? window : globalThis);
