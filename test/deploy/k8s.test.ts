// Every manifest under k8s/ is validated against the Kubernetes schemas (kubernetes-models), then checked for
// what schema validation cannot see: probes and limits, the config contract, and that the pieces refer to
// each other correctly (selectors, Services, Secrets, network paths).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  allowedCustomKinds,
  Container,
  isKind,
  KubeObject,
  loadManifests,
  matches,
  validateManifest,
  Workload,
  workloadProblems,
} from './kube';
import { allowed, NetworkPolicy, Pod } from './netpol';
import { envDefaults, envIssues, readRepoFile, repoRoot, unknownEnvNames } from './repo';

const manifests = loadManifests('k8s');
const objects = manifests.map((m) => m.object);
const ofKind = <T>(kind: string): T[] => objects.filter((o) => isKind(o, kind)) as unknown as T[];
const byName = <T extends KubeObject>(kind: string, name: string): T => {
  const found = ofKind<T>(kind).find((o) => o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} under k8s/`);
  return found;
};

const deployments = ofKind<Workload>('Deployment');
const statefulSets = ofKind<Workload>('StatefulSet');
const workloads = [...deployments, ...statefulSets];
const api = byName<Workload>('Deployment', 'graphrec-api');
const worker = byName<Workload>('Deployment', 'graphrec-worker');
const container = (w: Workload): Container => w.spec.template.spec.containers[0];

interface ConfigMap extends KubeObject {
  data: Record<string, string>;
}
interface Secret extends KubeObject {
  stringData: Record<string, string>;
}
interface Service extends KubeObject {
  spec: {
    selector: Record<string, string>;
    ports: { name: string; port: number; targetPort: string | number }[];
  };
}
const config = byName<ConfigMap>('ConfigMap', 'graphrec-config');
const secret = byName<Secret>('Secret', 'graphrec-secrets');

describe('schema validation', () => {
  it('finds the manifests', () => {
    expect(new Set(objects.map((o) => o.kind))).toEqual(
      new Set([
        'Namespace',
        'ConfigMap',
        'Secret',
        'PersistentVolumeClaim',
        'Service',
        'StatefulSet',
        'Deployment',
        'Ingress',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'NetworkPolicy',
        'Kustomization',
        'PrometheusRule',
        'PodMonitor',
      ]),
    );
  });

  it.each(
    manifests.map((m) => [
      `${m.file}#${m.index} ${String(m.object.kind)}/${m.object.metadata?.name ?? ''}`,
      m,
    ]),
  )('%s is valid', (_label, m) => {
    expect(validateManifest(m.object)).toEqual([]);
  });

  it('rejects a broken Deployment, naming the fields', () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broken' },
      spec: {
        template: { spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: '4000' }] }] } },
      },
    };
    const problems = validateManifest(broken).join('\n');
    expect(problems).toContain('data/spec must have required property selector');
    expect(problems).toContain('data/spec/template/spec/containers/0/ports/0/containerPort must be integer');
    // and the same object, repaired, passes: the validator is not simply rejecting everything
    const repaired = structuredClone(broken) as typeof broken & { spec: { selector: unknown } };
    repaired.spec.selector = { matchLabels: { a: 'b' } };
    repaired.spec.template.spec.containers[0].ports[0].containerPort = 4000 as unknown as string;
    expect(validateManifest(repaired)).toEqual([]);
  });

  it('rejects an unknown kind, a wrong apiVersion for a kind, and a bad name', () => {
    expect(validateManifest({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).toEqual([
      'unknown kind apps/v1/Deploymnet: not a Kubernetes apps/v1 kind and not allow-listed',
    ]);
    expect(validateManifest({ apiVersion: 'v1', kind: 'Deployment', metadata: { name: 'x' } })).toEqual([
      'unknown kind v1/Deployment: not a Kubernetes v1 kind and not allow-listed',
    ]);
    expect(validateManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } })).toEqual(
      ['metadata.name must be a DNS-1123 name, but got: "Bad_Name"'],
    );
    expect(allowedCustomKinds.has('monitoring.coreos.com/v1/PrometheusRule')).toBe(true);
  });

  it('puts every namespaced object in the graphrec namespace', () => {
    const namespaced = objects.filter((o) => !['Namespace', 'Kustomization'].includes(String(o.kind)));
    expect(
      namespaced.filter((o) => o.metadata?.namespace !== 'graphrec').map((o) => o.metadata?.name),
    ).toEqual([]);
    expect(byName('Namespace', 'graphrec').metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe(
      'restricted',
    );
  });
});

describe('kustomization', () => {
  // Kustomization files have no metadata.name; read them directly.
  const kustomization = (dir: string) =>
    parse(readRepoFile(`${dir}/kustomization.yaml`)) as {
      resources: string[];
      images?: { name: string }[];
      configMapGenerator?: { files: string[] }[];
    };
  const yamlFiles = (dir: string) =>
    fs
      .readdirSync(path.join(repoRoot, dir))
      .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
      .sort();

  it('deploys every manifest in k8s/ except the Secret template', () => {
    const k = kustomization('k8s');
    expect([...k.resources].sort()).toEqual(yamlFiles('k8s').filter((f) => f !== 'secret.template.yaml'));
  });

  it('deploys every monitoring manifest, and the dashboard as a ConfigMap', () => {
    const k = kustomization('k8s/monitoring');
    expect([...k.resources].sort()).toEqual(yamlFiles('k8s/monitoring'));
    expect(k.configMapGenerator?.[0].files).toEqual(['grafana-dashboard.json']);
  });

  it('names the image the Deployments use, so the deploy job can pin it', () => {
    const images = new Set(deployments.map((d) => container(d).image?.split(':')[0]));
    expect([...images]).toEqual(kustomization('k8s').images?.map((i) => i.name));
  });
});

describe('Deployments', () => {
  it.each(deployments.map((d) => [d.metadata.name, d]))(
    '%s has requests, limits, probes and a locked-down pod',
    (_n, d) => {
      expect(workloadProblems(d)).toEqual([]);
    },
  );

  it('reports what a bare Deployment lacks', () => {
    const bare = structuredClone(api);
    const c = container(bare);
    delete c.livenessProbe;
    delete c.readinessProbe;
    delete c.resources;
    bare.spec.template.spec.terminationGracePeriodSeconds = 5;
    expect(workloadProblems(bare)).toEqual([
      'graphrec-api: terminationGracePeriodSeconds must be at least 30 to drain, but got: 5',
      'graphrec-api/api: resources.requests.cpu is required',
      'graphrec-api/api: resources.requests.memory is required',
      'graphrec-api/api: resources.limits.cpu is required',
      'graphrec-api/api: resources.limits.memory is required',
      'graphrec-api/api: livenessProbe is required',
      'graphrec-api/api: readinessProbe is required',
    ]);
  });

  it.each([
    ['api', api],
    ['worker', worker],
  ])('%s probes /healthz (liveness) and /readyz (readiness) on the API port', (_n, d) => {
    const c = container(d);
    const port = c.ports?.find((p) => p.name === 'http')?.containerPort;
    expect(port).toBe(envDefaults.API_PORT);
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
  });

  it('leaves replicas to the HPA, so that a deploy does not reset them', () => {
    for (const d of [api, worker]) expect(d.spec.replicas).toBeUndefined();
  });

  it('runs the image roles serve and worker', () => {
    expect(container(api).args).toEqual(['serve']);
    expect(container(worker).args).toEqual(['worker']);
  });

  it('gives the worker longer to drain than the api (a training epoch outlasts a request)', () => {
    const grace = (d: Workload) => d.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    expect(grace(worker)).toBeGreaterThan(grace(api));
  });
});

describe('configuration', () => {
  it('ConfigMap keys, Secret keys and Deployment env names are all variables core/config.ts reads', () => {
    const names = [
      ...Object.keys(config.data),
      ...Object.keys(secret.stringData),
      ...deployments.flatMap((d) =>
        d.spec.template.spec.containers.flatMap((c) => (c.env ?? []).map((e) => e.name)),
      ),
    ];
    expect(unknownEnvNames(names)).toEqual([]);
  });

  it('sets the required connection variables, and keeps secrets out of the ConfigMap', () => {
    expect(config.data).toEqual(
      expect.objectContaining({ NEO4J_URI: expect.any(String), REDIS_URL: expect.any(String) }),
    );
    for (const name of ['NEO4J_PASSWORD', 'API_PUBLIC_KEYS', 'API_ADMIN_KEYS']) {
      expect(config.data[name]).toBeUndefined();
      expect(secret.stringData[name]).toBeDefined();
    }
    expect(container(api).env?.map((e) => e.name)).toEqual([
      'NEO4J_PASSWORD',
      'API_PUBLIC_KEYS',
      'API_ADMIN_KEYS',
      'PRIVACY_TOKEN_SECRET',
    ]);
  });

  it('has values that core/config.ts accepts, listening on all interfaces', () => {
    expect(envIssues({ ...config.data, NEO4J_PASSWORD: 'a-long-enough-password' })).toEqual([]);
    expect(config.data.API_HOST).toBe('0.0.0.0');
    expect(config.data.WORKER_HOST).toBe('0.0.0.0'); // the worker's probes and scrape come from outside the pod
    expect(Number(config.data.API_PORT)).toBe(envDefaults.API_PORT);
  });

  it('points NEO4J_URI and REDIS_URL at the in-cluster Services on the default ports', () => {
    for (const [variable, service, port] of [
      ['NEO4J_URI', 'neo4j', envDefaults.NEO4J_BOLT_PORT],
      ['REDIS_URL', 'redis', envDefaults.REDIS_PORT],
    ] as const) {
      const url = new URL(config.data[variable]);
      expect([url.hostname, Number(url.port)]).toEqual([service, port]);
      expect(byName<Service>('Service', service).spec.ports.map((p) => p.port)).toContain(port);
    }
  });

  it('refers only to the ConfigMap and Secret keys that exist', () => {
    for (const d of workloads) {
      for (const c of d.spec.template.spec.containers) {
        for (const ref of c.envFrom ?? []) expect(ref.configMapRef?.name).toBe('graphrec-config');
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) expect([ref.name, ref.key in secret.stringData]).toEqual(['graphrec-secrets', true]);
        }
      }
    }
  });

  it('ships the Secret as a template with placeholders only', () => {
    for (const v of Object.values(secret.stringData)) expect(v).toMatch(/^<placeholder[-a-z0-9]*>$/);
    expect(readRepoFile('k8s/secret.template.yaml')).toContain(
      'kubectl -n graphrec create secret generic graphrec-secrets',
    );
  });
});

describe('Services, Ingress, HPAs and PDBs', () => {
  const podLabels = (w: Workload) => w.spec.template.metadata?.labels;

  it.each(ofKind<Service>('Service').map((s) => [s.metadata?.name, s]))(
    'Service %s selects pods of exactly one workload, on ports they declare',
    (_n, s) => {
      const targets = workloads.filter((w) => matches(s.spec.selector, podLabels(w)));
      expect(targets).toHaveLength(1);
      const ports = targets[0].spec.template.spec.containers.flatMap((c) => c.ports ?? []);
      for (const p of s.spec.ports) {
        expect(ports.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort)).toBe(true);
      }
    },
  );

  it('matches each workload selector to its own pod labels', () => {
    for (const w of workloads) expect(matches(w.spec.selector.matchLabels, podLabels(w))).toBe(true);
  });

  it('routes the Ingress to the api Service only', () => {
    const ingress = byName<
      KubeObject & { spec: { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] } }
    >('Ingress', 'graphrec-api');
    const backends = ingress.spec.rules.flatMap((r) => r.http.paths.map((p) => p.backend.service.name));
    expect(new Set(backends)).toEqual(new Set(['graphrec-api']));
    expect(byName<Service>('Service', 'graphrec-api').spec.selector).toEqual(api.spec.selector.matchLabels);
  });

  type Hpa = KubeObject & {
    spec: {
      scaleTargetRef: { kind: string; name: string };
      minReplicas: number;
      maxReplicas: number;
      metrics: { type: string }[];
    };
  };
  it.each([
    ['graphrec-api', 'graphrec-api'],
    ['graphrec-worker', 'graphrec-worker'],
  ])('HPA %s scales Deployment %s on CPU and a custom metric', (hpaName, target) => {
    const hpa = byName<Hpa>('HorizontalPodAutoscaler', hpaName);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: target });
    byName('Deployment', target);
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    expect(hpa.spec.metrics.map((m) => m.type).sort()).toEqual(
      hpaName === 'graphrec-api' ? ['Pods', 'Resource'] : ['External', 'Resource'],
    );
  });

  type Pdb = KubeObject & {
    spec: {
      minAvailable?: number;
      maxUnavailable?: number;
      selector: { matchLabels: Record<string, string> };
    };
  };
  it('has a PodDisruptionBudget for api and worker that still lets a node drain', () => {
    for (const d of [api, worker]) {
      const pdbs = ofKind<Pdb>('PodDisruptionBudget').filter((p) =>
        matches(p.spec.selector.matchLabels, podLabels(d)),
      );
      expect(pdbs).toHaveLength(1);
      const minReplicas = byName<Hpa>('HorizontalPodAutoscaler', d.metadata.name ?? '').spec.minReplicas;
      const { minAvailable, maxUnavailable } = pdbs[0].spec;
      expect(minAvailable === undefined ? (maxUnavailable ?? 0) >= 1 : minAvailable < minReplicas).toBe(true);
    }
  });
});

describe('stateful stores', () => {
  const compose = parse(readRepoFile('docker-compose.yml')) as {
    services: Record<string, { image: string }>;
  };

  it.each(['neo4j', 'redis'])(
    '%s is a StatefulSet with storage, on the same image as docker-compose.yml',
    (name) => {
      const sts = byName<Workload & { spec: { volumeClaimTemplates: unknown[]; serviceName: string } }>(
        'StatefulSet',
        name,
      );
      expect(sts.spec.volumeClaimTemplates.length).toBeGreaterThan(0);
      expect(sts.spec.serviceName).toBe(name);
      expect(container(sts).image).toBe(compose.services[name].image);
      expect(sts.spec.template.spec.securityContext?.runAsNonRoot).toBe(true);
    },
  );

  it('gives Neo4j its password from the Secret, under a name its image does not read as a setting', () => {
    const env = container(byName<Workload>('StatefulSet', 'neo4j')).env ?? [];
    const from = env.find((e) => e.valueFrom?.secretKeyRef?.key === 'NEO4J_PASSWORD')?.name;
    expect(from).toMatch(/^(?!NEO4J_)/);
    expect(env.find((e) => e.name === 'NEO4J_AUTH')?.value).toBe(`neo4j/$(${from})`);
  });

  it('keeps Redis on AOF with no eviction (an evicted BullMQ key is a lost job)', () => {
    const args = container(byName<Workload>('StatefulSet', 'redis')).args?.join(' ');
    expect(args).toContain('--appendonly yes');
    expect(args).toContain('--maxmemory-policy noeviction');
  });
});

describe('NetworkPolicies', () => {
  const policies = ofKind<NetworkPolicy>('NetworkPolicy');
  const pod = (w: Workload): Pod => ({ namespace: 'graphrec', labels: podLabels(w) });
  const podLabels = (w: Workload): Record<string, string> => w.spec.template.metadata?.labels ?? {};
  const ingressController: Pod = {
    namespace: 'ingress-nginx',
    labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
  };
  const prometheus: Pod = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
  const outsider: Pod = { namespace: 'default', labels: { app: 'anything' } };
  const neo4j = pod(byName<Workload>('StatefulSet', 'neo4j'));
  const redis = pod(byName<Workload>('StatefulSet', 'redis'));

  it('denies everything by default', () => {
    const deny = policies.find(
      (p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress,
    );
    expect(deny?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('has a policy selecting api and one selecting worker', () => {
    for (const d of [api, worker]) {
      const own = policies.filter(
        (p) =>
          Object.keys(p.spec.podSelector.matchLabels ?? {}).length > 0 &&
          matches(p.spec.podSelector.matchLabels, podLabels(d)),
      );
      expect(own).toHaveLength(1);
    }
  });

  it.each([
    ['ingress controller -> api:4000', ingressController, pod(api), 4000],
    ['prometheus -> api:4000', prometheus, pod(api), 4000],
    ['prometheus -> worker:4000', prometheus, pod(worker), 4000],
    ['api -> neo4j:7687', pod(api), neo4j, 7687],
    ['api -> redis:6379', pod(api), redis, 6379],
    ['worker -> neo4j:7687', pod(worker), neo4j, 7687],
    ['worker -> redis:6379', pod(worker), redis, 6379],
  ])('allows %s', (_l, from, to, port) => {
    expect(allowed(policies, from, to, port)).toBe(true);
  });

  it.each([
    ['another namespace -> api:4000', outsider, pod(api), 4000],
    ['ingress controller -> worker:4000', ingressController, pod(worker), 4000],
    ['ingress controller -> neo4j:7474', ingressController, neo4j, 7474],
    ['api -> neo4j:7474 (Browser)', pod(api), neo4j, 7474],
    ['neo4j -> redis:6379', neo4j, redis, 6379],
    ['worker -> api:4000', pod(worker), pod(api), 4000],
    ['api -> the internet', pod(api), outsider, 443],
  ])('denies %s', (_l, from, to, port) => {
    expect(allowed(policies, from, to, port)).toBe(false);
  });

  it('lets every pod resolve names', () => {
    const kubeDns: Pod = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    for (const w of workloads) expect(allowed(policies, pod(w), kubeDns, 53)).toBe(true);
  });
});
