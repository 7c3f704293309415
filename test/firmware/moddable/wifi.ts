// `embedded:network/interface/wifi` on XS for the firmware tests: the harness sets the link's state (200 disconnected,
// 300 connecting, 500 with an address) and every interface object hears `onChanged`, as Moddable's ESP32 driver calls
// it; `connect` is counted (the firmware's back-off).
export const link = { connection: 200, address: "", connects: 0 };

const interfaces = new Set<WiFi>();

export default class WiFi {
	readonly #onChanged: ((property: string) => void) | undefined;

	constructor(options: { onChanged?: (property: string) => void }) {
		this.#onChanged = options.onChanged;
		interfaces.add(this);
	}

	get connection(): number {
		return link.connection;
	}

	get address(): string | undefined {
		return link.connection >= 500 ? link.address : undefined;
	}

	connect(_options: { SSID: string; password?: string }): void {
		link.connects++;
		if (link.connection < 300) link.connection = 300;
	}

	disconnect(): void {}

	close(): void {
		interfaces.delete(this);
	}

	changed(property: string): void {
		this.#onChanged?.call(this, property);
	}
}

/** The link changes: every interface hears it. */
export function setLink(connection: number, address: string): void {
	const addressChanged = address !== link.address;
	link.connection = connection;
	link.address = address;
	for (const w of interfaces) {
		w.changed("connection");
		if (addressChanged && connection >= 500) w.changed("address");
	}
}
