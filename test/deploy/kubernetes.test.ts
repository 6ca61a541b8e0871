import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { repoRoot } from '../support/cli.ts';
import { serverVariables } from '../support/server-env.ts';

/** Kubernetes' own schemas (kubernetes-models) for the kinds gantry ships. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

type Obj = Record<string, any>;
const dir = join(repoRoot, 'deploy/kubernetes');
const objects: Obj[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Obj));

function schemaErrors(object: Obj): string | undefined {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return `${object.apiVersion} ${object.kind}: no model`;
  try {
    new Model(object as never).validate();
    return undefined;
  } catch (error) {
    return `${object.kind} ${object.metadata?.name}: ${(error as Error).message}`;
  }
}

const CREDENTIAL = /TOKEN|SECRET|PRIVATE_KEY|PASSWORD/;

/** gantry's rules for its own pods, beyond the schema. */
export function podProblems(deployment: Obj): string[] {
  const out: string[] = [];
  const pod = deployment.spec.template.spec;
  const where = deployment.metadata.name;
  if (pod.securityContext?.runAsNonRoot !== true) out.push(`${where}: runAsNonRoot`);
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    if (sc.readOnlyRootFilesystem !== true) out.push(`${where}/${c.name}: readOnlyRootFilesystem`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}/${c.name}: allowPrivilegeEscalation`);
    if (!sc.capabilities?.drop?.includes('ALL')) out.push(`${where}/${c.name}: capabilities not dropped`);
    if (!c.resources?.requests || !c.resources?.limits?.memory) out.push(`${where}/${c.name}: resources`);
    for (const e of c.env ?? []) {
      if (CREDENTIAL.test(e.name) && !e.valueFrom?.secretKeyRef)
        out.push(`${where}/${c.name}: ${e.name} not from a Secret`);
    }
  }
  return out;
}

function botProblems(deployment: Obj): string[] {
  const out = podProblems(deployment);
  const c = deployment.spec.template.spec.containers[0];
  const env = new Map<string, Obj>((c.env ?? []).map((e: Obj) => [e.name, e]));
  if (c.livenessProbe?.httpGet?.path !== '/healthz') out.push('liveness probe is not /healthz');
  if (c.readinessProbe?.httpGet?.path !== '/readyz') out.push('readiness probe is not /readyz');
  const metricsPort = c.ports.find((p: Obj) => p.name === c.readinessProbe?.httpGet?.port)?.containerPort;
  if (String(metricsPort) !== env.get('METRICS_PORT')?.value) out.push('probes are not on METRICS_PORT');
  if (deployment.spec.replicas > 1 && !env.has('REDIS_URL'))
    out.push('more than one replica without REDIS_URL');
  return out;
}

const find = (kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)!;
const bot = () => structuredClone(find('Deployment', 'gantry'));

describe('deploy/kubernetes', () => {
  it('every object is valid against Kubernetes’ schema', () => {
    expect(objects.map(schemaErrors).filter(Boolean)).toEqual([]);
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'Deployment',
        'Deployment',
        'Ingress',
        'PodDisruptionBudget',
        'Service',
        'Service',
        'ServiceMonitor',
      ].sort(),
    );
  });

  it('runs non-root on a read-only root filesystem, credentials from Secrets, probes on the internal port', () => {
    expect(botProblems(bot())).toEqual([]);
    expect(podProblems(find('Deployment', 'gantry-redis'))).toEqual([]);
  });

  it('sets only variables gantry serve reads', () => {
    const names = bot().spec.template.spec.containers[0].env.map((e: Obj) => e.name);
    const known = serverVariables();
    expect(names.filter((n: string) => !known.has(n))).toEqual([]);
  });

  it('selectors match the pods they are for', () => {
    const labels = bot().spec.template.metadata.labels;
    const matches = (selector: Obj) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(matches(find('Service', 'gantry').spec.selector)).toBe(true);
    expect(matches(find('PodDisruptionBudget', 'gantry').spec.selector.matchLabels)).toBe(true);
    expect(matches(find('ServiceMonitor', 'gantry').spec.selector.matchLabels)).toBe(true);
    const ingressPaths = find('Ingress', 'gantry').spec.rules[0].http.paths.map((p: Obj) => p.path);
    expect(ingressPaths).toEqual(['/api/github/webhooks', '/api/gitlab/webhooks']);
  });

  it('the canary example’s workloads are valid and carry the track labels its selectors use', () => {
    const base = join(repoRoot, 'examples/canary/apps/web/base');
    const docs = ['deployment.yaml', 'service.yaml'].map(
      (f) => parse(readFileSync(join(base, f), 'utf8')) as Obj,
    );
    expect(docs.map(schemaErrors).filter(Boolean)).toEqual([]);
    const [deployment, service] = docs as [Obj, Obj];
    expect(deployment.spec.template.metadata.labels).toEqual({ app: 'web', track: 'stable' });
    expect(service.spec.selector).toEqual({ app: 'web' });
    const canary = readFileSync(
      join(repoRoot, 'examples/canary/apps/web/envs/prod-canary/kustomization.yaml'),
      'utf8',
    );
    expect(canary).toContain('path: /spec/template/metadata/labels/track, value: canary');
  });

  it('the checks can fail', () => {
    const broken = bot();
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(schemaErrors(broken)).toMatch(/containerPort must be integer/);
    const unsafe = bot();
    const c = unsafe.spec.template.spec.containers[0];
    c.securityContext.readOnlyRootFilesystem = false;
    c.env = c.env.filter((e: Obj) => e.name !== 'REDIS_URL');
    c.env.push({ name: 'GITLAB_TOKEN', value: 'glpat-x' });
    c.readinessProbe.httpGet.path = '/';
    expect(botProblems(unsafe)).toEqual([
      'gantry/gantry: readOnlyRootFilesystem',
      'gantry/gantry: GITLAB_TOKEN not from a Secret',
      'readiness probe is not /readyz',
      'more than one replica without REDIS_URL',
    ]);
  });
});
