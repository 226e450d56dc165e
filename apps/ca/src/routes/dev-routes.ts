/**
 * Development helpers (dev mode only): the simulated SMS and e-mail outboxes (kept in the store, so
 * every CA process on one database answers the same) and phone registration.
 */
import { CaError } from '../errors.js';
import type { CaContext } from '../issuance/context.js';
import { maskPhone } from '../issuance/context.js';
import type { CaHandlers } from './types.js';

function requireDev(ctx: CaContext): void {
  if (!ctx.config.devMode) throw new CaError('ERR_NOT_FOUND', 'Not found');
}

/** Handlers of the `dev` tag. */
export const devHandlers = {
  async listSmsOutbox(ctx, req) {
    requireDev(ctx);
    const sms = ctx.providers.sms;
    if (!sms.outbox) throw new CaError('ERR_NOT_FOUND', 'The SMS gateway keeps no outbox');
    let to = req.query.phone;
    if (req.query.iin !== undefined) {
      to = await ctx.providers.mobile.findPhone(req.query.iin);
      if (to === undefined) return { status: 200, body: { messages: [] } };
    }
    const messages = (await sms.outbox(to !== undefined ? { to } : {})).map((m) => ({
      id: m.id,
      sender: m.sender,
      to: m.to,
      text: m.text,
      kind: m.kind,
      ...(m.code !== undefined ? { code: m.code } : {}),
      sentAt: m.sentAt.toISOString(),
    }));
    return { status: 200, body: { messages } };
  },

  async listEmailOutbox(ctx, req) {
    requireDev(ctx);
    const email = ctx.providers.email;
    if (!email?.outbox) throw new CaError('ERR_NOT_FOUND', 'The e-mail gateway keeps no outbox');
    const found = await email.outbox({
      ...(req.query.email !== undefined ? { to: req.query.email } : {}),
      ...(req.query.iin !== undefined ? { iin: req.query.iin } : {}),
    });
    const messages = found.map((m) => ({
      id: m.id,
      from: m.from,
      to: m.to,
      subject: m.subject,
      text: m.text,
      ...(m.iin !== undefined ? { iin: m.iin } : {}),
      sentAt: m.sentAt.toISOString(),
    }));
    return { status: 200, body: { messages } };
  },

  async registerMobilePhone(ctx, req) {
    requireDev(ctx);
    const mobile = ctx.providers.mobile;
    if (!mobile.register)
      throw new CaError('ERR_NOT_FOUND', 'The Mobile Citizens Database provider cannot register phones');
    const { iin, phone } = req.body;
    if (!(await ctx.providers.persons.findPerson(iin))) {
      throw new CaError('ERR_PERSON_NOT_FOUND', 'The IIN is not in the state registry of individuals');
    }
    if ((await mobile.findPhone(iin)) !== undefined) {
      throw new CaError('ERR_PHONE_ALREADY_REGISTERED', 'A phone is already registered for this IIN');
    }
    await mobile.register(iin, phone);
    await ctx.store.appendAudit({ actor: 'dev', action: 'mobile.registered', entity: `person:${iin}` });
    return {
      status: 201,
      body: { iin, phoneMasked: maskPhone(phone), registeredAt: ctx.now().toISOString() },
    };
  },
} satisfies CaHandlers;
