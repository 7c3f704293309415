// `embedded:network/interface/wifi` for Moddable's Linux runtime: the machine's network is up, with the address
// `mcconfig ... address=IP` gives (default 127.0.0.1), so the station binds and names that address.
import config from "mc/config";

export default class WiFi {
	constructor(_options: { onChanged?: (property: string) => void }) {}
	get connection(): number {
		return 500;
	}
	get address(): string {
		const a = (config as Record<string, unknown>)["address"];
		return typeof a === "string" ? a : "127.0.0.1";
	}
	connect(_options: { SSID: string; password?: string }): void {}
	disconnect(): void {}
	close(): void {}
}
