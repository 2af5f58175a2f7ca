import { describe, expect, it } from 'vitest';
import { channelsFor, finalStatus, inboxRecipients, mailBody, mailSubject, notificationsFor, parseRecipient, type CaseEvent } from '../../src/domain';
import { verifyWebhookSignature, webhookSignature, wants } from '../../src/delivery/webhook';
import { CaseWalk } from './fixtures';

const ALL = { sms: true, email: true } as const;

describe('channels of a person', () => {
  it('are those they can be reached on, unless they chose fewer', () => {
    expect(channelsFor({ personId: 'a', phone: '13800000001', email: 'a@example.test', channels: null }, ALL)).toEqual(['sms', 'email']);
    expect(channelsFor({ personId: 'a', phone: '13800000001', email: null, channels: null }, ALL)).toEqual(['sms']);
    expect(channelsFor({ personId: 'a', phone: '13800000001', email: 'a@example.test', channels: ['email'] }, ALL)).toEqual(['email']);
    expect(channelsFor({ personId: 'a', phone: null, email: null, channels: ['sms'] }, ALL)).toEqual([]);
  });

  it('leave out a channel the deployment has not got', () => {
    expect(channelsFor({ personId: 'a', phone: '13800000001', email: 'a@example.test', channels: null }, { sms: true, email: false })).toEqual(['sms']);
  });
});

describe('recipients and inboxes', () => {
  it('parse the outbox names', () => {
    expect(parseRecipient('person:open311:0123456789abcdef')).toEqual({ kind: 'person', id: 'open311:0123456789abcdef' });
    expect(parseRecipient('centre:zz-pinghe')).toEqual({ kind: 'centre', id: 'zz-pinghe' });
    expect(parseRecipient('nobody')).toBeNull();
  });

  it("give centre staff their centre's notifications, department staff their department's, residents and experts only their own", () => {
    expect(inboxRecipients({ id: 'p1', role: 'mediator', centreId: 'zz-x' })).toEqual(['person:p1', 'centre:zz-x']);
    expect(inboxRecipients({ id: 'p2', role: 'department', centreId: 'zz-x', departmentId: 'd1' })).toEqual(['person:p2', 'department:d1']);
    expect(inboxRecipients({ id: 'p3', role: 'resident', centreId: 'zz' })).toEqual(['person:p3']);
    expect(inboxRecipients({ id: 'p4', role: 'expert', centreId: 'zz' })).toEqual(['person:p4']);
  });
});

describe('the end of a delivery', () => {
  it('is delivered when every send arrived (or there was none), dead when one gave up', () => {
    expect(finalStatus([])).toBe('delivered');
    expect(finalStatus(['delivered', 'delivered'])).toBe('delivered');
    expect(finalStatus(['delivered', 'dead'])).toBe('dead');
  });
});

describe('messages', () => {
  it('come in the person\'s language, e-mails linking to the case', () => {
    const message = { zh: '诉求 ZZ-1 已受理', en: 'Case ZZ-1 has been accepted' };
    expect(mailSubject(message, 'zh')).toBe('【一门通】诉求 ZZ-1 已受理');
    expect(mailSubject(message, 'en')).toBe('[onedoor] Case ZZ-1 has been accepted');
    expect(mailBody(message, 'en', 'https://x.example/cases/c1')).toContain('See the case: https://x.example/cases/c1');
    expect(mailBody(message, 'zh', null)).not.toContain('查看案件');
  });

  it('at closure tell the complainant the result, then ask for a rating', () => {
    const walk = new CaseWalk({ category: 'neighbour_dispute', centreId: 'zz-pinghe-xiaoxi-dongmen', complainantId: 'p-r' });
    const state = { ...walk.state, outcome: 'agreement' as const };
    const event = { ...walk.events[0], type: 'closed_by_centre', detail: { summary: '双方签订协议，楼上住户承诺夜间不再放音乐。', outcome: 'agreement' } } as CaseEvent;
    const sent = notificationsFor(event, state);
    expect(sent.map((n) => [n.kind, n.recipient])).toEqual([
      ['case_result', 'person:p-r'],
      ['please_rate', 'person:p-r'],
    ]);
    expect(sent[0]?.message.zh).toBe('您的诉求 ZZ-20261125-000001 已办结：双方达成和解协议。办理结果：双方签订协议，楼上住户承诺夜间不再放音乐。');
    expect(sent[0]?.message.en).toContain('the parties reached a settlement agreement');
    expect(sent[1]?.message.en).toContain('Please rate');
    const long = notificationsFor({ ...event, detail: { summary: '长'.repeat(1000) } } as CaseEvent, state);
    expect(long[0]?.message.zh.length).toBeLessThan(260);
  });
});

describe('webhook signatures', () => {
  const body = '{"id":"n1"}';
  const now = 1_800_000_000_000;
  const timestamp = String(now / 1000);

  it('verify with the shared secret and only with it', () => {
    const signature = webhookSignature('s'.repeat(16), timestamp, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('s'.repeat(16), { signature, timestamp }, body, now)).toBe(true);
    expect(verifyWebhookSignature('t'.repeat(16), { signature, timestamp }, body, now)).toBe(false);
    expect(verifyWebhookSignature('s'.repeat(16), { signature, timestamp }, '{"id":"n2"}', now)).toBe(false);
    expect(verifyWebhookSignature('s'.repeat(16), { signature: undefined, timestamp }, body, now)).toBe(false);
  });

  it('refuse an old message replayed later', () => {
    const signature = webhookSignature('s'.repeat(16), timestamp, body);
    expect(verifyWebhookSignature('s'.repeat(16), { signature, timestamp }, body, now + 301_000)).toBe(false);
  });

  it('go to subscribers of the kind', () => {
    expect(wants({ name: 'a', url: 'http://x', secret: 's', kinds: ['new_case'] }, 'new_case')).toBe(true);
    expect(wants({ name: 'a', url: 'http://x', secret: 's', kinds: ['new_case'] }, 'please_rate')).toBe(false);
    expect(wants({ name: 'a', url: 'http://x', secret: 's' }, 'please_rate')).toBe(true);
  });
});
