// Moddable's TLS socket (the SDK's examples/io/tcp/tlssocket, included by the manifest), declared from its source's
// options. Referenced by main.ts with a triple-slash path so both type checks see it: mcconfig maps the specifier to
// the example's JavaScript, which has no declarations (an ambient one wins over it), and the SDK's own declaration
// (typings/embedded_io/socket/tls.d.ts, also npm's) lacks the `TCP` option the socket needs; npm's is therefore left
// out of hosts/esp32/tsconfig.json.
declare module "embedded:io/socket/tcp/tls" {
	export interface Options {
		/** An IP address (names are located by the station first) and port. */
		address: string;
		port: number;
		/** The server's name: SNI and the name its certificate must carry. */
		host: string;
		/** Moddable's SSL session options: `verify` (default true), `trustedCertificates`. */
		secure: { readonly verify?: boolean; readonly trustedCertificates?: readonly ArrayBuffer[] };
		/** The TCP socket class the TLS records go over. */
		TCP: { io: unknown };
		onReadable?: (bytes: number) => void;
		onWritable?: (bytes: number) => void;
		onError?: () => void;
	}

	export default class TLSSocket {
		constructor(options: Options);
		close(): void;
		read(count: number | ArrayBufferLike): undefined | ArrayBufferLike;
		write(buffer: ArrayBufferLike | ArrayBufferView): number;
	}
}
