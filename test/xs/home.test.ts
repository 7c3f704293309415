// The MQTT client and the Home Assistant publisher (src/mqtt, src/home) on the real XS engine: the same bytes on the
// wire as on Node for a scripted session, and no heap slot per published state, event or command after start-up —
// DESIGN.md §3; OASIS MQTT 3.1.1 §3.3, §3.4, §3.12.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { itAllocatesNothingOnXs } from './vector-suite.js';
import { runOnNode, runOnXs } from './xsnap-host.js';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'home-entry.js');

interface Session {
  hex: string;
  logged: string[];
  connected: boolean;
  unacknowledged: number;
}

describe('Home Assistant over MQTT on XS (src/home, src/mqtt)', function () {
  this.timeout(60_000);

  it('a scripted session writes the same bytes on XS as on Node, every QoS 1 message acknowledged', async () => {
    const xs = await runOnXs<Session>(entry, { name: 'xsnap (home session)' });
    const node = await runOnNode<Session>(entry);
    assert.equal(xs.result.connected, true);
    assert.equal(xs.result.unacknowledged, 0);
    assert.ok(xs.result.hex.length > 1000, 'the session published');
    assert.deepEqual(xs.result, node.result);
  });

  itAllocatesNothingOnXs('home-entry.js', [
    ['relay binary sensor ON/OFF published (retained, QoS 0)', 'relayState', 3000],
    ['call state published: calling, ringing, idle', 'callState', 3000],
    ['registration state published', 'registrationState', 3000],
    ['ring event published at QoS 1, its PUBACK read', 'ringEvent', 3000],
    ['door events (opened, wrong code) at QoS 1, PUBACKs read', 'doorEvent', 3000],
    ['"open door" from the broker: PUBLISH read, PUBACK written, command obeyed', 'openCommandIn', 3000],
    ['keep-alive: PINGREQ on the wheel, PINGRESP read', 'keepAlive', 1000],
  ], 300);
});
