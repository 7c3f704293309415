// SIP over TLS in the simulator (RFC 3261 §26.2, RFC 5630): node:tls connections for the transport's stream slots.
// The certificate is checked by default against the configured CA bundle (else Node's root store), for the name the
// request was sent to (RFC 5922 §4.1: the SIP URI's host; SNI, RFC 6066 §3, when it is a name). Turning the check off
// is the installer's explicit choice (sip.tlsVerify false), which the station logs. An adapter only.
import { appendFileSync } from "node:fs";
import { isIP } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import type { StreamConnector, StreamSocket, StreamUser } from "../../src/host.js";
import { NodeStreamSocket } from "./node-host.js";

/** Whom a TLS server must prove to be. */
export interface TlsTrust {
	/** PEM certificates the server's chain must lead to (the host read sip.tlsCaFile); none: Node's root store. */
	readonly ca?: string;
	/** false: no certificate check at all (a self-signed PBX). */
	readonly verify: boolean;
}

export interface NodeTlsConnectorOptions extends TlsTrust {
	/** Address connections leave from (the station's). */
	readonly localAddress?: string;
	/**
	 * Append each connection's session keys here, in the NSS key log format (the SSLKEYLOGFILE convention), so that
	 * Wireshark can show the SIP inside: for debugging a PBX, never on a station in service.
	 */
	readonly keyLogFile?: string;
}

/** OpenSSL's verification codes (Node's `err.code`) that mean "this certificate is not to be trusted here". */
const CERTIFICATE_FAULT = /CERT|SIGNATURE|ISSUER|SELF_SIGNED|ALTNAME|UNABLE_TO_VERIFY/;

/** A connection failure in words: certificate faults say so (the installer fixes the CA file or the PBX's certificate). */
export function describeTlsError(err: NodeJS.ErrnoException): string {
	const code = err.code ?? "";
	return CERTIFICATE_FAULT.test(code) ? `certificate not accepted: ${err.message} (${code})` : err.message;
}

export class NodeTlsConnector implements StreamConnector {
	readonly #options: NodeTlsConnectorOptions;
	readonly #sockets = new Set<NodeStreamSocket>();

	constructor(options: NodeTlsConnectorOptions) {
		this.#options = options;
	}

	connect(address: string, port: number, user: StreamUser, serverName = ""): StreamSocket | null {
		if (isIP(address) === 0 || !(port > 0 && port < 65536)) return null;
		const o = this.#options;
		// A name goes in the SNI and is what the certificate must name; for an address, the address is (an IP SAN).
		const name = serverName !== "" && isIP(serverName) === 0 ? serverName : undefined;
		// tls.connect takes net.connect's options too (localAddress), which its typings leave out.
		const options: ConnectionOptions & { localAddress?: string } = {
			host: address, port, servername: name, localAddress: o.localAddress, ca: o.ca, rejectUnauthorized: o.verify,
		};
		const raw = tlsConnect(options);
		const keyLog = o.keyLogFile;
		if (keyLog !== undefined) raw.on("keylog", (line: Buffer) => appendFileSync(keyLog, line));
		const s = new NodeStreamSocket(raw, "secureConnect", describeTlsError);
		s.setUser(user);
		this.#sockets.add(s);
		raw.once("close", () => this.#sockets.delete(s));
		return s;
	}

	/** Destroy every socket still open (shutdown). */
	destroyAll(): void {
		for (const s of this.#sockets) s.destroy();
		this.#sockets.clear();
	}
}
