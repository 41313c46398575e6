// Kubernetes manifests: load every YAML document under k8s/, validate it against the Kubernetes OpenAPI schemas
// (kubernetes-models, generated from Kubernetes 1.27), and read the few shapes the tests reason about.
//
// kubernetes-models checks types, enums and required fields, but accepts unknown fields (a misspelt
// `readinessProbes` passes). The tests below close that gap for the fields that matter by requiring them, and
// the hosted pipeline runs kubeconform -strict on the rendered kustomize output.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import * as core from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { repoRoot } from './repo';

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A manifest as parsed: only the type meta is known; the rest is read through the narrower types below. */
export interface KubeObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface Manifest {
  /** Path relative to the repo root, e.g. k8s/api-deployment.yaml. */
  file: string;
  /** Index of the document within its file. */
  index: number;
  object: KubeObject;
}

/** The Kubernetes API groups graphrec may use, by apiVersion. A kind is looked up in its group's module. */
const groups: Record<string, Record<string, unknown>> = {
  v1: core,
  'apps/v1': apps,
  'autoscaling/v2': autoscaling,
  'batch/v1': batch,
  'networking.k8s.io/v1': networking,
  'policy/v1': policy,
  'rbac.authorization.k8s.io/v1': rbac,
};

/**
 * Kinds that are not part of the Kubernetes API, so kubernetes-models has no schema for them. Each must be
 * named here on purpose; anything else unknown fails. Their shape is checked by the tests that own them.
 */
export const allowedCustomKinds: ReadonlySet<string> = new Set([
  'kustomize.config.k8s.io/v1beta1/Kustomization', // kustomize input, never sent to the API server
  'monitoring.coreos.com/v1/PrometheusRule', // Prometheus Operator CRD (k8s/monitoring)
  'monitoring.coreos.com/v1/PodMonitor', // Prometheus Operator CRD (k8s/monitoring)
]);

interface ModelClass {
  new (data: KubeObject): { validate(): void };
  apiVersion: string;
  kind: string;
}

function isModelClass(v: unknown, apiVersion: string, kind: string): v is ModelClass {
  if (typeof v !== 'function') return false;
  const c = v as unknown as Partial<ModelClass>;
  return c.apiVersion === apiVersion && c.kind === kind;
}

/** Problems with one object: [] when it is valid. Messages carry the JSON path of the offending field. */
export function validateManifest(object: KubeObject): string[] {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string')
    return ['apiVersion and kind must be strings'];
  const id = `${apiVersion}/${kind}`;
  const problems: string[] = [];
  const name = object.metadata?.name;
  if (name === undefined) {
    // A kustomize input is the one kind without a name.
    if (id !== 'kustomize.config.k8s.io/v1beta1/Kustomization') problems.push('metadata.name is required');
  } else if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
    problems.push(`metadata.name must be a DNS-1123 name, but got: ${JSON.stringify(name)}`);
  }
  if (allowedCustomKinds.has(id)) return problems;
  const Model = groups[apiVersion]?.[kind];
  if (!isModelClass(Model, apiVersion, kind)) {
    return [...problems, `unknown kind ${id}: not a Kubernetes ${apiVersion} kind and not allow-listed`];
  }
  try {
    new Model(object).validate();
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
  return problems;
}

/** Every YAML document in every .yaml/.yml file under `dir` (recursively), in file order. */
export function loadManifests(dir = 'k8s'): Manifest[] {
  const out: Manifest[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (/\.ya?ml$/.test(entry.name)) {
        const docs = parseAllDocuments(fs.readFileSync(path.join(repoRoot, child), 'utf8'));
        if (!Array.isArray(docs)) throw new Error(`${child}: not a YAML stream`);
        docs.forEach((doc, index) => {
          if (doc.errors.length > 0) throw new Error(`${child}#${index}: ${doc.errors[0].message}`);
          const object: unknown = doc.toJS();
          if (object === null || object === undefined) return; // an empty document (e.g. a trailing ---)
          if (typeof object !== 'object' || Array.isArray(object))
            throw new Error(`${child}#${index}: not a mapping`);
          out.push({ file: child, index, object: object as KubeObject });
        });
      }
    }
  };
  walk(dir);
  return out;
}

// ---- the shapes the tests read -------------------------------------------------------------------------------

export interface Probe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command?: string[] };
}

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
  };
}

export interface PodTemplate {
  metadata?: ObjectMeta;
  spec: {
    containers: Container[];
    terminationGracePeriodSeconds?: number;
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
    automountServiceAccountToken?: boolean;
  };
}

export interface Workload extends KubeObject {
  metadata: ObjectMeta;
  spec: { replicas?: number; selector: { matchLabels?: Record<string, string> }; template: PodTemplate };
}

export const isKind = (o: KubeObject, kind: string): boolean => o.kind === kind;

/** What a graphrec Deployment must have to be operable; [] when it has everything. */
export function workloadProblems(d: Workload): string[] {
  const problems: string[] = [];
  const pod = d.spec.template.spec;
  const name = d.metadata.name ?? '?';
  if ((pod.terminationGracePeriodSeconds ?? 30) < 30)
    problems.push(
      `${name}: terminationGracePeriodSeconds must be at least 30 to drain, but got: ${pod.terminationGracePeriodSeconds}`,
    );
  if (pod.securityContext?.runAsNonRoot !== true)
    problems.push(`${name}: pod securityContext.runAsNonRoot must be true`);
  if ((pod.securityContext?.runAsUser ?? 0) === 0)
    problems.push(`${name}: pod securityContext.runAsUser must be a non-zero uid`);
  for (const c of pod.containers) {
    const where = `${name}/${c.name}`;
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        if (!c.resources?.[kind]?.[resource])
          problems.push(`${where}: resources.${kind}.${resource} is required`);
      }
    }
    if (!c.livenessProbe) problems.push(`${where}: livenessProbe is required`);
    if (!c.readinessProbe) problems.push(`${where}: readinessProbe is required`);
    if (c.securityContext?.allowPrivilegeEscalation !== false)
      problems.push(`${where}: securityContext.allowPrivilegeEscalation must be false`);
    if (c.securityContext?.readOnlyRootFilesystem !== true)
      problems.push(`${where}: securityContext.readOnlyRootFilesystem must be true`);
  }
  return problems;
}

/** True when every label of `selector` is on `labels` (matchLabels semantics; an empty selector matches all). */
export function matches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}
