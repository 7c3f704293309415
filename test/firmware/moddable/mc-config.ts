// `mc/config` on XS for the firmware tests: the manifest's `config` (as mcconfig makes it) with the test's changes,
// filled by the harness before the firmware's main runs.
const config: Record<string, unknown> = {};

export default config;

export function setConfig(doc: Record<string, unknown>): void {
	for (const k of Object.keys(config)) delete config[k];
	Object.assign(config, doc);
}
