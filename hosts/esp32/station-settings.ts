// The station's configuration on the ESP32 — DESIGN.md §6: the document built into the firmware (the manifest's
// `config.station`) overlaid by what was saved on the device (the key-value store, key `station`), validated as a whole
// by `parseStationConfig`. A saved overlay that no longer validates (a firmware with stricter rules) is reported and
// set aside, so the station still starts on its built-in configuration.
import type { Store } from "../../src/host.js";
import { isObject, mergeConfig, type JsonObject } from "../../src/intercom/config-reader.js";
import { parseStationConfig, type StationConfig } from "../../src/intercom/config.js";

/** Store keys (each at most 15 characters: NVS). */
export const STATION_KEY = "station", SSID_KEY = "ssid", PASSWORD_KEY = "password";

export type SettingsResult =
	| { readonly ok: true; readonly config: StationConfig; readonly source: "built-in" | "saved"; readonly problems: readonly string[] }
	| { readonly ok: false; readonly errors: readonly string[] };

export interface WifiCredentials {
	readonly ssid: string;
	readonly password: string;
}

export interface StationSettingsOptions {
	/** The manifest's `config` (mc/config): `station` is the built-in station document, `wifiSSID`/`wifiPassword` the Wi-Fi. */
	readonly builtIn: JsonObject;
	readonly store: Store;
}

export class StationSettings {
	readonly #builtIn: JsonObject;
	readonly #store: Store;

	constructor(options: StationSettingsOptions) {
		this.#builtIn = options.builtIn;
		this.#store = options.store;
	}

	/** The built-in station document. */
	get builtInDocument(): JsonObject {
		const doc = this.#builtIn["station"];
		return isObject(doc) ? doc : {};
	}

	/** The saved overlay (null: none, or not a JSON object: then `problems` of `load` says so). */
	savedOverlay(): JsonObject | null {
		const text = this.#store.get(STATION_KEY);
		if (text === undefined) return null;
		try {
			const doc: unknown = JSON.parse(text);
			return isObject(doc) ? doc : null;
		} catch {
			return null;
		}
	}

	/** The configuration to run: built-in + saved, or built-in alone when the saved overlay is unusable. */
	load(): SettingsResult {
		const builtIn = this.builtInDocument;
		const problems: string[] = [];
		const overlay = this.savedOverlay();
		if (overlay === null && this.#store.get(STATION_KEY) !== undefined) problems.push(`saved ${STATION_KEY}: not a JSON object, ignored`);
		if (overlay !== null) {
			const merged = parseStationConfig(mergeConfig(builtIn, overlay));
			if (merged.ok) return { ok: true, config: merged.config, source: "saved", problems };
			for (const e of merged.errors) problems.push(`saved ${STATION_KEY}: ${e}`);
		}
		const plain = parseStationConfig(builtIn);
		if (!plain.ok) return { ok: false, errors: [...problems, ...plain.errors.map((e) => `built-in config.station: ${e}`)] };
		return { ok: true, config: plain.config, source: "built-in", problems };
	}

	/** Save `overlay` (what differs from the built-in document) if the result validates; the errors otherwise. */
	save(overlay: JsonObject): readonly string[] {
		const result = parseStationConfig(mergeConfig(this.builtInDocument, overlay));
		if (!result.ok) return result.errors;
		this.#store.set(STATION_KEY, JSON.stringify(overlay));
		return [];
	}

	/**
	 * Wi-Fi credentials: saved ones, else the build's (`mcconfig ... wifiSSID=NAME wifiPassword=SECRET`), else Moddable's
	 * usual `ssid`/`password`. With those, Moddable's setup/network connects before main runs, holding the boot until
	 * the first attempt succeeds and never retrying; the firmware's own link (wifi-link.ts) does both without waiting.
	 */
	wifi(): WifiCredentials {
		const ssid = this.#store.get(SSID_KEY), password = this.#store.get(PASSWORD_KEY);
		if (ssid !== undefined && ssid !== "") return { ssid, password: password ?? "" };
		const text = (key: string): string => {
			const v = this.#builtIn[key];
			return typeof v === "string" ? v : "";
		};
		if (text("wifiSSID") !== "") return { ssid: text("wifiSSID"), password: text("wifiPassword") };
		return { ssid: text("ssid"), password: text("password") };
	}

	saveWifi(credentials: WifiCredentials): void {
		this.#store.set(SSID_KEY, credentials.ssid);
		this.#store.set(PASSWORD_KEY, credentials.password);
	}
}
