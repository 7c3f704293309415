// `embedded:io/socket/tcp/tls` on XS for the firmware tests: no TLS network here (the firmware opens TLS only for a
// registrar or proxy given with ;transport=tls), so making one fails as Moddable's does when no socket can be had.
export default class TLSSocket {
	constructor(_options: object) {
		throw new Error("no socket");
	}
	read(_bytes: number): undefined {
		return undefined;
	}
	write(_buffer: Uint8Array): void {}
	close(): void {}
}
