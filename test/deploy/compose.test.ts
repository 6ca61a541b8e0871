import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readSettings } from '../../src/entry/server/settings.ts';
import { repoRoot } from '../support/cli.ts';

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Record<string, any>>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  const { gantry, redis } = compose.services;

  it('runs gantry from the Dockerfile against the bundled Redis, with settings the server accepts', () => {
    expect(gantry!.build).toBe('.');
    const env = { ...gantry!.environment, BASE_URL: 'http://localhost:3000' } as Record<string, string>;
    const settings = readSettings(env);
    expect(settings.redisUrl).toBe('redis://redis:6379');
    expect(settings.metricsPort).toBe(9464);
    expect(gantry!.depends_on.redis.condition).toBe('service_healthy');
    expect(redis!.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
    expect(redis!.image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it('publishes only the webhook port, on a read-only root with the state in a volume', () => {
    expect(gantry!.ports).toEqual(['3000:3000']);
    expect(gantry!.read_only).toBe(true);
    expect(gantry!.volumes).toEqual(['gantry-state:/var/lib/gantry']);
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^WORKDIR \/var\/lib\/gantry$/m);
    expect(Object.keys(compose.volumes).sort()).toEqual(['gantry-state', 'redis-data']);
    // No credential written into the file.
    expect(Object.keys(gantry!.environment).filter((k) => /KEY|SECRET|TOKEN|PASSWORD/.test(k))).toEqual([]);
  });
});
