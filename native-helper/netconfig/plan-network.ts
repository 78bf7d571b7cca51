import type { NetworkPlan, NetworkStep, PlanInput } from './network-plan-types';
import { netmaskToPrefixLength } from './ip-prefix';
import { planIpv4Routes } from './plan-routes-ipv4';
import { planIpv6Routes } from './plan-routes-ipv6';
import { planDns } from './plan-dns';

/**
 * What OpenVPN 2.6 does on Linux after a PUSH_REPLY, as an ordered list of `ip` commands,
 * each with its undo. Pure: the caller supplies the original gateway (gateway-discovery.ts).
 * Order as in 2.6: MTU and link up, addresses (tun.c do_ifconfig), the redirect and
 * pushed IPv4 routes (route.c add_routes), IPv6 routes, then DNS.
 */
export function planNetwork(input: PlanInput): NetworkPlan {
  const warnings: string[] = [];
  const steps = [...planLink(input), ...planAddresses(input, warnings)];
  const routes4 = planIpv4Routes(input, warnings);
  const routes6 = planIpv6Routes(input, warnings);
  steps.push(...routes4.steps, ...routes6.steps);
  const dns = planDns(input.config.dns, routes4.redirectsDefault || routes6.redirectsDefault, warnings);
  return {
    tunName: input.tunName,
    steps,
    ...(dns ? { dns } : {}),
    warnings,
    redirectsDefault4: routes4.redirectsDefault,
    redirectsDefault6: routes6.redirectsDefault,
  };
}

function planLink({ tunName, mtuBytes, originalMtuBytes, deviceReady }: PlanInput): NetworkStep[] {
  if (deviceReady) return [];
  return [
    {
      description: `set the MTU of ${tunName} to ${mtuBytes} bytes`,
      apply: ['link', 'set', 'dev', tunName, 'mtu', String(mtuBytes)],
      undo: originalMtuBytes === undefined ? null : ['link', 'set', 'dev', tunName, 'mtu', String(originalMtuBytes)],
    },
    {
      description: `bring ${tunName} up`,
      apply: ['link', 'set', 'dev', tunName, 'up'],
      undo: ['link', 'set', 'dev', tunName, 'down'],
    },
  ];
}

function planAddresses({ tunName, config }: PlanInput, warnings: string[]): NetworkStep[] {
  const steps: NetworkStep[] = [];
  const ifconfig = config.ifconfig;
  if (ifconfig) {
    // topology subnet and every tap device: the second parameter is a netmask; net30 and p2p
    // on tun: the peer address (tun.c is_tun_p2p, do_ifconfig_ipv4 → net_addr_v4_add vs
    // net_addr_ptp_v4_add). On tap the kernel then finds its neighbours by ARP.
    if (ifconfig.topology === 'subnet' || config.device === 'tap') {
      const prefixLength = netmaskToPrefixLength(ifconfig.netmaskOrPeer);
      if (prefixLength === undefined) {
        warnings.push(`ifconfig ${ifconfig.local} ${ifconfig.netmaskOrPeer}: not a netmask, no IPv4 address set`);
      } else {
        const address = ['addr', '%', `${ifconfig.local}/${prefixLength}`, 'dev', tunName];
        steps.push(addressStep(`IPv4 address ${ifconfig.local}/${prefixLength}`, address));
      }
    } else {
      const address = ['addr', '%', ifconfig.local, 'peer', ifconfig.netmaskOrPeer, 'dev', tunName];
      steps.push(addressStep(`IPv4 address ${ifconfig.local} peer ${ifconfig.netmaskOrPeer}`, address));
    }
  }
  const v6 = config.ifconfigIpv6;
  if (v6) {
    const address = ['-6', 'addr', '%', `${v6.address}/${v6.prefixLength}`, 'dev', tunName];
    const step = addressStep(`IPv6 address ${v6.address}/${v6.prefixLength}`, address);
    // On tap the kernel would first run duplicate address detection (about a second in which the
    // address is tentative and IPv6 through the tunnel fails); the server assigned it, so skip it.
    // A tun device has no link layer and never runs DAD.
    steps.push(config.device === 'tap' ? { ...step, apply: [...step.apply, 'nodad'] } : step);
  }
  return steps;
}

/** `%` in the template stands for add / del. */
function addressStep(description: string, template: string[]): NetworkStep {
  const fill = (verb: string): string[] => template.map((word) => (word === '%' ? verb : word));
  return { description, apply: fill('add'), undo: fill('del') };
}
