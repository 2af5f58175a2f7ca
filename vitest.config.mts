import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Integration tests drive real servers and real timers.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: run test files two at a time, each with its own worker process.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
