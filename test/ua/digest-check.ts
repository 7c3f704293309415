// Independent Digest check for the call flows: the expected response computed with node:crypto from the RFC 7616
// §3.4.1 formulas (never from the station's code).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { digestParams, type Msg } from "./ua-host.js";

function h(algorithm: string, s: string): string {
	return createHash(algorithm.toUpperCase().startsWith("SHA-256") ? "sha256" : "md5").update(s, "latin1").digest("hex");
}

/**
 * RFC 7616 §3.4.1: response = KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2)) with qop, else (RFC 2069,
 * RFC 3261 §22.4) KD(H(A1), nonce ":" H(A2)); A1 = username ":" realm ":" password (§3.4.2), for "-sess"
 * H(A1) ":" nonce ":" cnonce; A2 = method ":" uri (§3.4.3); KD(secret, data) = H(secret ":" data).
 */
export function expectedResponse(p: Record<string, string>, password: string, method: string): string {
	const alg = p.algorithm ?? "MD5";
	let ha1 = h(alg, `${p.username}:${p.realm}:${password}`);
	if (/-sess$/i.test(alg)) ha1 = h(alg, `${ha1}:${p.nonce}:${p.cnonce}`);
	const ha2 = h(alg, `${method}:${p.uri}`);
	return p.qop !== undefined ? h(alg, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : h(alg, `${ha1}:${p.nonce}:${ha2}`);
}

/** Check the credentials of `req` in header `header` against the challenge values and the password. */
export function checkCredentials(req: Msg, header: "Authorization" | "Proxy-Authorization",
	want: { username: string; realm: string; nonce: string; password: string; algorithm?: string; qop?: boolean; nc?: string; opaque?: string }): Record<string, string> {
	const value = req.header(header);
	assert.ok(value !== "", `${req.method} carries ${header}:\n${req.text}`);
	assert.match(value, /^Digest\s/i);
	const p = digestParams(value);
	assert.equal(p.username, want.username);
	assert.equal(p.realm, want.realm);
	assert.equal(p.nonce, want.nonce);
	// RFC 3261 §22.4: the uri parameter is the Request-URI.
	assert.equal(p.uri, req.uri);
	assert.equal((p.algorithm ?? "MD5").toUpperCase(), (want.algorithm ?? "MD5").toUpperCase());
	if (want.opaque !== undefined) assert.equal(p.opaque, want.opaque);
	if (want.qop ?? true) {
		assert.equal(p.qop, "auth");
		assert.match(p.nc, /^[0-9a-f]{8}$/);
		if (want.nc !== undefined) assert.equal(p.nc, want.nc);
		assert.ok((p.cnonce ?? "").length >= 8, "a cnonce with qop (RFC 7616 §3.4)");
	} else {
		assert.equal(p.qop, undefined);
	}
	assert.equal(p.response, expectedResponse(p, want.password, req.method), "the request-digest (RFC 7616 §3.4.1)");
	return p;
}
