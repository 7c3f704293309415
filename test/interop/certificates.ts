// Certificates for the TLS tests, made by the test with openssl into a fresh temporary directory: a CA, a server
// certificate it signs for the names and address the tests reach the PBX by (RFC 5922 §7.1: subjectAltName DNS and IP
// entries), and a second CA that signed nothing the server shows (the "wrong CA" an installer may configure).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Peer } from "./peers.js";

export const OPENSSL: Peer = Object.freeze({ program: "openssl", debianPackage: "openssl" });

export interface TestCertificates {
	readonly dir: string;
	/** The CA that signed the server's certificate (PEM file): what sip.tlsCaFile names for the test's PBX. */
	readonly caFile: string;
	/** A CA that signed nothing the server shows. */
	readonly otherCaFile: string;
	/** The server's certificate and key (PEM files), for Kamailio's TLS module. */
	readonly certificateFile: string;
	readonly keyFile: string;
	remove(): void;
}

function openssl(binary: string, args: readonly string[], cwd: string): Promise<void> {
	return new Promise((resolve, reject) => {
		execFile(binary, args, { cwd, timeout: 20_000 }, (err, _stdout, stderr) => {
			if (err !== null) reject(new Error(`openssl ${args.join(" ")}: ${err.message}\n${stderr}`));
			else resolve();
		});
	});
}

/** Make the CA, the server certificate for `names` and `addresses` (valid for two days), and the other CA. */
export async function makeCertificates(binary: string, names: readonly string[], addresses: readonly string[]): Promise<TestCertificates> {
	const dir = mkdtempSync(join(tmpdir(), "certificates-"));
	const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
	const ca = (name: string) => ["req", "-x509", ...ec, "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "2", "-subj", `/CN=sip-intercom ${name}`,
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"];
	await openssl(binary, ca("test-ca"), dir);
	await openssl(binary, ca("other-ca"), dir);
	await openssl(binary, ["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${names[0]}`], dir);
	const san = [...names.map((n) => `DNS:${n}`), ...addresses.map((a) => `IP:${a}`)].join(",");
	writeFileSync(join(dir, "server.ext"), [`subjectAltName=${san}`, "basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature",
		"extendedKeyUsage=serverAuth,clientAuth", ""].join("\n"));
	await openssl(binary, ["x509", "-req", "-in", "server.csr", "-CA", "test-ca.pem", "-CAkey", "test-ca.key", "-CAcreateserial", "-out", "server.pem",
		"-days", "2", "-extfile", "server.ext"], dir);
	return {
		dir, caFile: join(dir, "test-ca.pem"), otherCaFile: join(dir, "other-ca.pem"), certificateFile: join(dir, "server.pem"), keyFile: join(dir, "server.key"),
		remove: () => rmSync(dir, { recursive: true, force: true }),
	};
}
