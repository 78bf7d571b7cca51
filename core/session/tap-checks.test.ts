import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTunnelConfig } from '../control/tunnel-config';
import { checkServerDevice } from './key-exchange';
import { endForFirstPush } from './push-negotiation';

const TAP_SERVER = 'V4,dev-type tap,link-mtu 1581,tun-mtu 1500,proto UDPv4,cipher AES-256-GCM,auth [null-digest],keysize 256,key-method 2,tls-server';
const TUN_SERVER = 'V4,dev-type tun,link-mtu 1549,tun-mtu 1500,proto UDPv4,cipher AES-256-GCM,auth [null-digest],keysize 256,key-method 2,tls-server';

test('a server of the other device type ends the attempt with keys.device_type_mismatch; the same type, or none said, is fine', () => {
  assert.deepEqual(checkServerDevice({ device: 'tun' }, TAP_SERVER),
    { code: 'keys.device_type_mismatch', message: 'The server runs dev-type tap, but this profile says dev tun.' });
  assert.equal(checkServerDevice({}, TAP_SERVER)?.code, 'keys.device_type_mismatch', 'no device in the settings is tun');
  assert.equal(checkServerDevice({ device: 'tap' }, TUN_SERVER)?.code, 'keys.device_type_mismatch');
  assert.equal(checkServerDevice({ device: 'tap' }, TAP_SERVER), undefined);
  assert.equal(checkServerDevice({ device: 'tun' }, TUN_SERVER), undefined);
  assert.equal(checkServerDevice({ device: 'tap' }, ''), undefined, 'a server that sends no options string');
  assert.equal(checkServerDevice({ device: 'tap' }, undefined), undefined);
});

test('the first push of a tap tunnel must give the device an address: else control.tap_no_ifconfig, fatal, naming route-gateway dhcp', () => {
  const read = (options: string[], device: 'tun' | 'tap') => {
    const built = buildTunnelConfig(options, { device });
    assert.ok(built.ok);
    return endForFirstPush(built.value);
  };
  const end = read(['route-gateway dhcp', 'ping 10', 'ping-restart 60'], 'tap');
  assert.equal(end?.code, 'control.tap_no_ifconfig');
  assert.equal(end?.fatal, true, 'reconnecting would get the same push');
  assert.match(end?.message ?? '', /route-gateway dhcp/);
  assert.equal(read(['ifconfig 10.8.0.100 255.255.255.0', 'route-gateway 10.8.0.1'], 'tap'), undefined);
  assert.equal(read(['ping 10'], 'tun'), undefined, 'tun keeps its old behaviour: no address is not our call there');
});
