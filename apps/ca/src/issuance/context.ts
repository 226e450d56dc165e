/**
 * What every step of the flow works with: the store, the external systems, the CA keys, the
 * configuration, the clock and the rate limiter.
 */

import type { ApplicationRecord, CaRepository } from '@kzpki/ca-store';
import { isUnfinished } from '@kzpki/ca-store';
import type { RateLimiter } from '@kzpki/server-kit';
import type { CaMaterial } from '../ca/material.js';
import type { CaConfig } from '../config.js';
import { CaError } from '../errors.js';
import type { RateLimitName } from '../http/rate-limits.js';
import type { CaProviders } from '../providers/types.js';

/** Dependencies of the flow. */
export interface CaContext {
  store: CaRepository;
  providers: CaProviders;
  material: CaMaterial;
  config: CaConfig;
  limiter: RateLimiter<RateLimitName>;
  now(): Date;
}

/** Expires an application on access when its time is up (the sweep may not have run yet). */
export async function expireIfDue(ctx: CaContext, app: ApplicationRecord): Promise<ApplicationRecord> {
  if (!isUnfinished(app.status) || app.expiresAt.getTime() > ctx.now().getTime()) return app;
  const expired = await ctx.store.updateApplication(app.id, {
    expected: [app.status],
    status: { to: 'expired', actor: 'system' },
    data: { issuanceLease: undefined },
    audit: { actor: 'system', action: 'application.expired', entity: `application:${app.id}` },
  });
  return expired ?? ((await ctx.store.getApplication(app.id)) as ApplicationRecord);
}

/**
 * The application with this id, expired first if due.
 * @throws {CaError} `ERR_NOT_FOUND`.
 */
export async function loadApplication(ctx: CaContext, id: string): Promise<ApplicationRecord> {
  const app = await ctx.store.getApplication(id);
  if (!app) throw new CaError('ERR_NOT_FOUND', 'No such application');
  return expireIfDue(ctx, app);
}

/**
 * The application with this number, expired first if due.
 * @throws {CaError} `ERR_NOT_FOUND`.
 */
export async function loadApplicationByNumber(ctx: CaContext, number: string): Promise<ApplicationRecord> {
  const app = await ctx.store.getApplicationByNumber(number);
  if (!app) throw new CaError('ERR_NOT_FOUND', 'No application with this number');
  return expireIfDue(ctx, app);
}

/**
 * Takes a rate-limit token.
 * @throws {CaError} `ERR_RATE_LIMITED` with `retryAfter`.
 */
export async function limit(ctx: CaContext, name: RateLimitName, key: string): Promise<void> {
  const d = await ctx.limiter.take(name, key);
  if (!d.allowed) {
    throw new CaError('ERR_RATE_LIMITED', 'Too many requests; try again later', {
      details: { retryAfter: d.retryAfterSeconds },
    });
  }
}

/**
 * Re-reads the application after an update that did not apply (the status changed meanwhile) and
 * throws the error that describes it.
 */
export async function conflict(ctx: CaContext, id: string): Promise<never> {
  const app = await loadApplication(ctx, id);
  if (app.status === 'expired') throw new CaError('ERR_APPLICATION_EXPIRED', 'The application has expired');
  throw new CaError('ERR_INVALID_TRANSITION', `The application changed meanwhile; it is now ${app.status}`, {
    details: { currentStatus: app.status },
  });
}

/** `+7 701 *** ** 33`: enough to recognise one's number, not enough to learn someone's. */
export function maskPhone(phone: string): string {
  const d = phone.replace(/\D/g, '');
  return `+${d.slice(0, 1)} ${d.slice(1, 4)} *** ** ${d.slice(-2)}`;
}
