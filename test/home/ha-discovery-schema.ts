// Home Assistant's documented rules for a device discovery message, written out from its MQTT documentation
// (home-assistant.io/integrations/mqtt "Device discovery payload", and the event/button/sensor/binary_sensor MQTT
// platform pages: each platform's keys and which are required). Used on what the station publishes, in the unit flows
// and against a real broker. Returns the problems found (none: the message is valid).

/** Keys each platform documents (a key outside these would be ignored by Home Assistant: a typo to catch). */
const COMMON = ["platform", "name", "unique_id", "icon", "device_class", "entity_category", "enabled_by_default", "qos", "encoding",
	"availability", "availability_topic", "availability_mode", "availability_template", "payload_available", "payload_not_available",
	"json_attributes_topic", "json_attributes_template", "object_id", "default_entity_id", "entity_picture"];
const PLATFORM_KEYS: Readonly<Record<string, readonly string[]>> = {
	event: [...COMMON, "event_types", "state_topic", "value_template"],
	button: [...COMMON, "command_topic", "command_template", "payload_press", "retain"],
	sensor: [...COMMON, "state_topic", "options", "unit_of_measurement", "state_class", "value_template", "expire_after", "force_update",
		"last_reset_value_template", "suggested_display_precision"],
	binary_sensor: [...COMMON, "state_topic", "payload_on", "payload_off", "off_delay", "expire_after", "force_update", "value_template"],
};
/** Required keys (`required: true` in the platform pages; `platform` and `unique_id` for device discovery). */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
	event: ["platform", "unique_id", "state_topic", "event_types"],
	button: ["platform", "unique_id", "command_topic"],
	sensor: ["platform", "unique_id", "state_topic"],
	binary_sensor: ["platform", "unique_id", "state_topic"],
};
const DEVICE_KEYS = ["identifiers", "connections", "name", "manufacturer", "model", "model_id", "sw_version", "hw_version", "serial_number",
	"configuration_url", "suggested_area", "via_device"];
const ROOT_KEYS = ["device", "origin", "components", "availability", "availability_topic", "availability_mode", "availability_template",
	"payload_available", "payload_not_available", "qos", "encoding", "state_topic", "command_topic"];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function discoveryProblems(doc: unknown): string[] {
	const p: string[] = [];
	if (!isObject(doc)) return ["the payload is not a JSON object"];
	for (const k of Object.keys(doc)) if (!ROOT_KEYS.includes(k)) p.push(`unknown root key ${k}`);
	// "The shared options at the root level of the JSON message must include: device, origin."
	const dev = doc.device;
	if (!isObject(dev)) p.push("no device mapping");
	else {
		for (const k of Object.keys(dev)) if (!DEVICE_KEYS.includes(k)) p.push(`unknown device key ${k}`);
		const ids = dev.identifiers;
		if (!(typeof ids === "string" || (Array.isArray(ids) && ids.length > 0)) && dev.connections === undefined) p.push("device needs identifiers or connections");
	}
	if (!isObject(doc.origin) || typeof doc.origin.name !== "string") p.push("origin.name is required");
	if (doc.availability !== undefined && doc.availability_topic !== undefined) p.push("availability and availability_topic must not be used together");
	const comps = doc.components;
	if (!isObject(comps) || Object.keys(comps).length === 0) return [...p, "no components"];
	const uniqueIds = new Set<string>();
	for (const [id, c] of Object.entries(comps)) {
		if (!/^[a-zA-Z0-9_-]+$/.test(id)) p.push(`component id ${id}: only [a-zA-Z0-9_-]`);
		if (!isObject(c)) {
			p.push(`${id}: not an object`);
			continue;
		}
		const platform = String(c.platform);
		const keys = PLATFORM_KEYS[platform];
		if (keys === undefined) {
			p.push(`${id}: unknown platform ${platform}`);
			continue;
		}
		for (const k of REQUIRED[platform]) if (c[k] === undefined || c[k] === "") p.push(`${id}: ${platform} requires ${k}`);
		for (const k of Object.keys(c)) if (!keys.includes(k)) p.push(`${id}: ${platform} has no key ${k}`);
		if (typeof c.unique_id === "string") {
			if (uniqueIds.has(c.unique_id)) p.push(`${id}: unique_id ${c.unique_id} used twice`);
			uniqueIds.add(c.unique_id);
		}
		for (const k of Object.keys(c)) if (k.endsWith("_topic") && (typeof c[k] !== "string" || /[+#]/.test(c[k] as string))) p.push(`${id}: ${k} is not a topic name`);
		if (platform === "event") {
			if (!Array.isArray(c.event_types) || c.event_types.length === 0) p.push(`${id}: event_types must be a non-empty list`);
			// Home Assistant: doorbell event entities must support `ring` (deprecation now, required from 2027.4).
			else if (c.device_class === "doorbell" && !c.event_types.includes("ring")) p.push(`${id}: a doorbell's event_types must include ring`);
			if (c.device_class !== undefined && !["button", "doorbell", "motion"].includes(String(c.device_class))) p.push(`${id}: event device_class ${String(c.device_class)}`);
		}
		if (platform === "sensor" && c.device_class === "enum" && (!Array.isArray(c.options) || c.options.length === 0)) p.push(`${id}: an enum sensor needs options`);
		if (platform === "binary_sensor" && c.device_class !== undefined && typeof c.device_class !== "string") p.push(`${id}: device_class`);
	}
	return p;
}
