// The pure domain layer: safe to bundle into Temporal's deterministic workflow sandbox.
export * from './organisation';
export * from './categories';
export * from './risk';
export * from './sla';
export * from './lifecycle';
export * from './case-number';
export * from './seed-data';
export * from './notifications';
export * from './audit';
export * from './visibility';
