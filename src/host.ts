// The only door between the host-free core and the outside world — DESIGN.md §2. Hosts implement these;
// `src/` imports nothing from Node or Moddable. Interfaces only: no state, no logic.

/** Monotonic time. RFC 3261 timers run from it (via the timer wheel); never the wall clock. */
export interface Clock {
	/** Milliseconds since an arbitrary origin; never goes backwards. */
	now(): number;
	/** Arm the host's single one-shot to call `onDue` at `atMs` (replacing any earlier arming; tickless wheel, DESIGN.md §4). */
	arm(atMs: number, onDue: () => void): void;
	/** Disarm the one-shot. */
	disarm(): void;
}

/** Randomness for branches, tags, Call-IDs, SSRCs and cnonces (RFC 3261 §8.1.1.7, §19.3 ask for unguessable values). */
export interface Random {
	/** Fill `bytes` with random bytes (a hardware RNG on the ESP32, crypto on Node). */
	fill(bytes: Uint8Array): void;
}

/** Where a datagram came from or goes to. Addresses are kept as text (dotted IPv4 or IPv6) by the host. */
export interface Peer {
	address: string;
	port: number;
}

/** A bound UDP socket (SIP signalling or RTP). Receive buffers belong to the host; views are valid only during the call. */
export interface DatagramSocket {
	/** Send bytes[start, end) to the peer; false when the host could not queue it (§18.1.1 transport error). */
	send(bytes: Uint8Array, start: number, end: number, address: string, port: number): boolean;
	close(): void;
}

/** What a datagram socket tells its owner. */
export interface DatagramUser {
	onDatagram(bytes: Uint8Array, start: number, end: number, address: string, port: number): void;
}

/**
 * Opens UDP sockets on demand: the DNS client takes one per query, on a port it picked at random (RFC 5452 §9.2:
 * an unguessable source port as well as an unguessable ID), and closes it when the query ends.
 */
export interface DatagramOpener {
	/**
	 * A UDP socket bound to `localPort` (0: the host picks one) of the family of `remoteAddress`; for a multicast
	 * group (mDNS, RFC 6762 §11) on the station's interface with IP TTL 255. Every datagram it receives goes to
	 * `user`. Null when no socket can be had.
	 */
	open(localPort: number, remoteAddress: string, user: DatagramUser): DatagramSocket | null;
}

/** A connected stream: TCP, or TLS over TCP (the host does the TLS; the core sees the plaintext). */
export interface StreamSocket {
	write(bytes: Uint8Array, start: number, end: number): boolean;
	/** Close it; after this the socket calls its `StreamUser` no more (the user object is reused for the next connection). */
	close(): void;
}

/**
 * Opens stream connections: TCP (node:net in the simulator, embedded:io/socket/tcp on the ESP32), or TLS (node:tls,
 * embedded:io/socket/tcp/tls) — RFC 3261 §26.2, RFC 5630. A TLS connector checks the server's certificate against its
 * trust anchors unless the installer turned that off, and fails the connection (with a reason) when it does not hold.
 */
export interface StreamConnector {
	/**
	 * Start connecting to address:port; `user` hears back. Bytes written before `onConnected` are queued by
	 * the host. Returns null when no socket can be had (the transport reports a transport error, §18.1.1).
	 * `serverName`: for TLS, the name the server's certificate must prove (RFC 5922 §4.1: the SIP URI's host, a name
	 * or an address; also the SNI, RFC 6066 §3, when it is a name). TCP ignores it.
	 */
	connect(address: string, port: number, user: StreamUser, serverName?: string): StreamSocket | null;
}

/** What a stream socket tells its owner. */
export interface StreamUser {
	/** Connected (for TLS: the handshake is done and the certificate checked). */
	onConnected(): void;
	onBytes(bytes: Uint8Array, start: number, end: number): void;
	/** Closed; `error` when it broke, with the host's `reason` when it has one ("certificate has expired", "ECONNREFUSED"). */
	onClosed(error: boolean, reason?: string): void;
}

/** Persistent key-value storage (Preference on the ESP32, a JSON file in the simulator). */
export interface Store {
	get(key: string): string | undefined;
	set(key: string, value: string): void;
}

/** 8 kHz mono 16-bit audio in 20 ms frames of 160 samples (G.711 framing, RFC 3551 §4.5.14). */
export interface AudioIn {
	/** Copy the next captured frame into `frame`; false when none is ready yet. */
	read(frame: Int16Array): boolean;
}
export interface AudioOut {
	/** Queue one frame for playout; false when the output is full. */
	write(frame: Int16Array): boolean;
}

/** A digital pin: the door button (input) or the door relay and LEDs (output). */
export interface Pin {
	read(): number;
	write(value: number): void;
}
