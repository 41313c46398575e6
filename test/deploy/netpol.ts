// Who may talk to whom under a set of NetworkPolicies: a small evaluator of the Kubernetes semantics for the
// subset graphrec uses (matchLabels selectors, numeric ports). A policy using anything else is refused, so the
// evaluator can never silently answer for rules it does not understand.
import { matches, ObjectMeta } from './kube';

type Labels = Record<string, string>;
interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: unknown[];
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}
interface PortRule {
  protocol?: string;
  port?: number | string;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: PortRule[];
}
export interface NetworkPolicy {
  metadata: ObjectMeta;
  spec: { podSelector: LabelSelector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
}

export interface Pod {
  namespace: string;
  labels: Labels;
}

function selector(s: LabelSelector | undefined, where: string): Labels | undefined {
  if (s?.matchExpressions?.length)
    throw new Error(`${where}: matchExpressions is not supported by this evaluator`);
  return s?.matchLabels;
}

function peerMatches(peer: Peer, policyNs: string, pod: Pod, where: string): boolean {
  if (peer.ipBlock) throw new Error(`${where}: ipBlock is not supported by this evaluator`);
  const nsLabels = { 'kubernetes.io/metadata.name': pod.namespace };
  const nsOk = peer.namespaceSelector
    ? matches(selector(peer.namespaceSelector, where), nsLabels)
    : pod.namespace === policyNs;
  const podOk = peer.podSelector ? matches(selector(peer.podSelector, where), pod.labels) : true;
  return nsOk && podOk;
}

function portMatches(rules: PortRule[] | undefined, port: number, where: string): boolean {
  if (!rules || rules.length === 0) return true;
  return rules.some((r) => {
    if (typeof r.port !== 'number')
      throw new Error(`${where}: only numeric ports are supported by this evaluator`);
    return (r.protocol ?? 'TCP') === 'TCP' && r.port === port;
  });
}

function policyTypes(p: NetworkPolicy): string[] {
  return p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** One direction: is traffic of `pod` (egress) or to `pod` (ingress) with `peer` on `port` allowed? */
function allowedOneWay(
  policies: NetworkPolicy[],
  direction: 'Ingress' | 'Egress',
  pod: Pod,
  peer: Pod,
  port: number,
): boolean {
  const selecting = policies.filter(
    (p) =>
      (p.metadata.namespace ?? '') === pod.namespace &&
      policyTypes(p).includes(direction) &&
      matches(selector(p.spec.podSelector, p.metadata.name ?? '?'), pod.labels),
  );
  if (selecting.length === 0) return true; // not isolated in this direction
  return selecting.some((p) => {
    const ns = p.metadata.namespace ?? '';
    const where = p.metadata.name ?? '?';
    const rules = (direction === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? [];
    return rules.some((r) => {
      const peers = direction === 'Ingress' ? r.from : r.to;
      const peerOk = !peers || peers.length === 0 || peers.some((x) => peerMatches(x, ns, peer, where));
      return peerOk && portMatches(r.ports, port, where);
    });
  });
}

/** Can `from` open a TCP connection to `to` on `port`? Both the egress of `from` and the ingress of `to` must allow it. */
export function allowed(policies: NetworkPolicy[], from: Pod, to: Pod, port: number): boolean {
  return (
    allowedOneWay(policies, 'Egress', from, to, port) && allowedOneWay(policies, 'Ingress', to, from, port)
  );
}
