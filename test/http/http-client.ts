// The client's side of the HTTP API for tests: a recording socket, a response reader, and Digest credentials computed
// with node:crypto from RFC 7616 §3.4.1 (never with the station's code).
import { createHash } from "node:crypto";
import type { StreamUser } from "../../src/host.js";
import type { HttpServer } from "../../src/http/http-server.js";
import { RecordingSocket } from "../mqtt/mqtt-host.js";

export interface Response {
	readonly status: number;
	readonly headers: [string, string][];
	readonly body: string;
	header(name: string): string;
	all(name: string): string[];
	json(): unknown;
}

/** Split the bytes a server wrote into responses (Content-Length framed; an SSE head ends the list). */
export function responses(bytes: Uint8Array): Response[] {
	const text = Buffer.from(bytes).toString("utf8");
	const out: Response[] = [];
	let at = 0;
	while (at < text.length) {
		const headEnd = text.indexOf("\r\n\r\n", at);
		if (headEnd < 0) throw new Error(`no end of head in ${JSON.stringify(text.slice(at))}`);
		const lines = text.slice(at, headEnd).split("\r\n");
		const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(lines[0])?.[1]);
		const headers = lines.slice(1).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()] as [string, string]);
		const get = (n: string) => headers.filter(([k]) => k.toLowerCase() === n.toLowerCase()).map(([, v]) => v);
		const length = get("Content-Length")[0];
		const bodyEnd = length === undefined ? text.length : headEnd + 4 + Number(length);
		const body = text.slice(headEnd + 4, bodyEnd);
		out.push({ status, headers, body, header: (n) => get(n)[0] ?? "", all: get, json: () => JSON.parse(body) });
		at = bodyEnd;
	}
	return out;
}

/** One TCP connection to the server, played by the test. */
export class TestConnection {
	readonly socket = new RecordingSocket();
	readonly user: StreamUser | null;

	constructor(server: HttpServer, port = 40000) {
		this.user = server.accept(this.socket, "192.0.2.99", port);
	}

	send(text: string): void {
		const b = Buffer.from(text, "latin1");
		this.user?.onBytes(b, 0, b.length);
	}

	/** What the server wrote since the last call, as responses. */
	responses(): Response[] {
		return responses(this.socket.take());
	}

	/** What the server wrote since the last call, as text. */
	text(): string {
		return Buffer.from(this.socket.take()).toString("utf8");
	}
}

function h(algorithm: string, s: string): string {
	return createHash(/^SHA-256/i.test(algorithm) ? "sha256" : "md5").update(s, "utf8").digest("hex");
}

/** The parameters of a WWW-Authenticate: Digest challenge. */
export function challengeParams(value: string): Record<string, string> {
	const p: Record<string, string> = {};
	for (const m of value.replace(/^Digest\s+/i, "").matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) p[m[1].toLowerCase()] = m[2] ?? m[3];
	return p;
}

export interface Credentials {
	readonly user: string;
	readonly password: string;
	readonly uri: string;
	readonly nc?: number;
	readonly cnonce?: string;
	readonly method?: string;
	readonly realm?: string;
}

/** `Digest username=…, response=…` answering `challenge` (RFC 7616 §3.4, qop=auth). */
export function authorization(challenge: string, c: Credentials): string {
	const p = challengeParams(challenge);
	const alg = p.algorithm ?? "MD5", realm = c.realm ?? p.realm, nc = (c.nc ?? 1).toString(16).padStart(8, "0"), cnonce = c.cnonce ?? "0a4f113b";
	const ha1 = h(alg, `${c.user}:${realm}:${c.password}`), ha2 = h(alg, `${c.method ?? "GET"}:${c.uri}`);
	const response = h(alg, `${ha1}:${p.nonce}:${nc}:${cnonce}:auth:${ha2}`);
	return `Digest username="${c.user}", realm="${realm}", nonce="${p.nonce}", uri="${c.uri}", algorithm=${alg}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`;
}
