// Modules the firmware uses that npm's @moddable/typings 5.6.0 does not declare and the SDK's own typings (8.2.3,
// typings/embedded_network/interface/wifi.d.ts, typings/neopixel.d.ts) do: declared here as the SDK's are, for the
// project's type check (hosts/esp32/tsconfig.json). mcconfig uses the SDK's own, so this file is not in the manifest.

declare module "embedded:network/interface/wifi" {
	export type WiFiChangedProperty = "connection" | "address";

	class WiFi {
		constructor(options: { port?: number; onChanged?: (this: WiFi, property: WiFiChangedProperty) => void });
		close(): void;
		connect(options: { SSID: string; password?: string }): void;
		disconnect(): void;
		readonly connection: number;
		readonly address: string | undefined;
		readonly MAC: string | undefined;
		readonly SSID: string | undefined;
		readonly RSSI: number | undefined;
	}
	export default WiFi;
}

declare module "neopixel" {
	class NeoPixel extends HostBuffer {
		constructor(options?: { pin?: number; length?: number; order?: string });
		close(): void;
		update(): void;
		makeRGB(r: number, g: number, b: number): number;
		setPixel(index: number, color: number): void;
		fill(color: number, index?: number, count?: number): void;
	}
	export default NeoPixel;
}

