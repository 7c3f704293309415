// `embedded:io/socket/listener` on XS for the firmware tests: see tcp.ts (no TCP network here).
export default class Listener {
	constructor(_options: object) {
		throw new Error("socket bind");
	}
	read(): undefined {
		return undefined;
	}
	close(): void {}
}
