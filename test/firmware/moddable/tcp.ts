// `embedded:io/socket/tcp` and `listener` on XS for the firmware tests: no TCP network here (the tested stations use
// UDP, and the firmware opens TCP only for a registrar or proxy given with ;transport=tcp), so making one fails as
// Moddable's does when no socket can be had.
export default class TCP {
	constructor(_options: object) {
		throw new Error("no socket");
	}
	write(_buffer: Uint8Array): void {}
	read(_bytes: number): undefined {
		return undefined;
	}
	close(): void {}
}
