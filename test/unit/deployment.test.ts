import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT_VARIABLES } from '../../src/config';

/**
 * There is no Docker engine on our machines, so the deployment files are
 * checked for what `docker compose up` needs: structure, health checks, and the
 * ports and variables the code actually reads.
 */
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  configs?: { source: string; target: string }[];
  deploy?: { replicas?: number };
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, { content: string }>;
};
const services = compose.services;

const onedoorServices = Object.entries(services).filter(([, s]) => s.command?.[0] === 'worker' || s.command?.[0] === 'api');

describe('docker-compose.yml', () => {
  it('has the services of a production-like deployment', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'lb', 'mongodb', 'postgresql', 'temporal', 'temporal-ui', 'worker']);
  });

  it('gives every service an image or a build, and a health check', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? service.build, `${name} image/build`).toBeTruthy();
      expect(service.healthcheck?.test, `${name} healthcheck`).toBeTruthy();
    }
  });

  it('only depends on services that exist, with conditions compose knows', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy') expect(services[dependency]?.healthcheck).toBeDefined();
      }
    }
  });

  it('declares every named volume and config it mounts', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(compose.volumes?.[source], `${name} volume ${source}`).toBeDefined();
      }
      for (const config of service.configs ?? []) expect(compose.configs?.[config.source], `${name} config`).toBeDefined();
    }
  });

  it('runs two API and two worker replicas of one image, configured by variables the code reads', () => {
    expect(onedoorServices.map(([name]) => name).sort()).toEqual(['api', 'worker']);
    const known = new Set<string>(ENVIRONMENT_VARIABLES);
    for (const [name, service] of onedoorServices) {
      expect(service.deploy?.replicas, `${name} replicas`).toBe(2);
      expect(service.image).toBe('onedoor:latest');
      const env = service.environment ?? {};
      for (const variable of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'ONEDOOR_JWT_SECRET', 'ONEDOOR_PAYLOAD_KEYS', 'NODE_ENV']) expect(env[variable], `${name} ${variable}`).toBeTruthy();
      for (const variable of Object.keys(env)) expect(known.has(variable), `${name} sets ${variable}, which no code reads`).toBe(true);
    }
  });

  it('gives no secret a usable default: compose refuses to start until each is set', () => {
    const text = read('docker-compose.yml');
    for (const secret of ['ONEDOOR_JWT_SECRET', 'ONEDOOR_PAYLOAD_KEYS']) {
      expect(text, secret).toMatch(new RegExp(`${secret}: \\$\\{${secret}:\\?`));
      expect(text, secret).not.toMatch(new RegExp(`\\$\\{${secret}:-`));
    }
  });

  it('points onedoor at the Temporal and MongoDB services on their real ports', () => {
    const env = services.api?.environment ?? {};
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(services.temporal?.ports).toContain('7233:7233');
    const replSet = services.mongodb?.command?.[services.mongodb.command.indexOf('--replSet') + 1];
    expect(replSet).toBe('rs0');
    expect(env.MONGODB_URI).toMatch(/^mongodb:\/\/mongodb:27017\/onedoor\?replicaSet=rs0/);
    // The API health check and the load balancer use the port the API listens on.
    expect(JSON.stringify(services.api?.healthcheck?.test)).toContain(`127.0.0.1:${env.PORT}/readyz`);
    expect(compose.configs?.nginx?.content).toContain(`server api:${env.PORT};`);
    expect(JSON.stringify(services.worker?.healthcheck?.test)).toContain(`127.0.0.1:${services.worker?.environment?.ONEDOOR_WORKER_HEALTH_PORT}/healthz`);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1] ?? '';

  it('builds in stages and runs as a non-root user with a health check', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    expect(runtime).toContain('NODE_ENV=production');
  });

  it('prebuilds the workflow bundle and copies only what exists', () => {
    expect(dockerfile).toContain('node bin/onedoor.js bundle');
    for (const match of runtime.matchAll(/^COPY --from=build \/app\/(\S+) /gm)) {
      const copied = match[1] as string;
      if (copied === 'dist' || copied === 'node_modules') continue; // made in the build stage
      expect(fs.existsSync(path.join(ROOT, copied)), `${copied} exists`).toBe(true);
    }
  });
});
