// Replaces Moddable's `setup/network` on the ESP32 (build/devices/esp32/setup/network.js), which holds the whole boot
// until Wi-Fi has an address and never reconnects. The station's own Wi-Fi link (wifi-link.ts) connects, reports
// address changes and retries with back-off, so booting goes on at once: the button and LEDs work without a network.
export default function (done: () => void): void {
	done();
}
