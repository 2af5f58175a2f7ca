// The mediation agreement PDF, judicial confirmation hand-offs and the case list and dashboard exports, on the real stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { bearer, startApiEnv, TEST_SECRET, tokenFor, type ApiEnv } from './helpers';
import { loadConfig } from '../../src/config';
import { AGREED_CASE, agreedCase } from '../helpers/agreed-case';
import { pdfText } from '../helpers/pdf-text';
import { createApp } from '../../src/api/app';

let api: ApiEnv;
let caseId = '';
let caseNumber = '';

beforeAll(async () => {
  api = await startApiEnv('api-documents');
  ({ id: caseId, caseNumber } = await agreedCase(async (method, path, token, body) => {
    const res = await request(api.app).post(path).set(...bearer(token)).send(body as object);
    return { status: res.status, body: res.body as Record<string, unknown> };
  }));
}, 120_000);
afterAll(async () => {
  await api?.stop();
});

const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

async function download(path: string, personId: string) {
  return request(api.app).get(path).set(...bearer(tokenFor(personId))).buffer(true).parse(binary);
}

describe('the mediation agreement PDF', () => {
  it('names the parties, each party’s terms, the mediator, the centre and has signature lines, in an embedded CJK font', async () => {
    const res = await download(`/api/v1/cases/${caseId}/agreement.pdf`, 'p-dongmen-admin');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(`agreement-${caseNumber}.pdf`);
    const bytes = res.body as Buffer;
    const { text, fonts } = await pdfText(bytes);
    expect(text).toContain('人民调解协议书');
    expect(text).toContain(caseNumber);
    for (const party of ['王秀兰', '林志强']) expect(text).toContain(party);
    for (const term of AGREED_CASE.terms) expect(text).toContain(term.obligation);
    // Terms grouped by the party they bind: both of 林志强's under one heading.
    expect(text.match(/、林志强：/g)).toHaveLength(1);
    expect(text).toContain(AGREED_CASE.mediatorName);
    expect(text).toContain(AGREED_CASE.centreName);
    expect(text).toContain('当事人 王秀兰（签名）');
    expect(text).toContain('当事人 林志强（签名）');
    expect(text).toContain('人民调解员 蔡明辉（签名）');
    expect(text).toContain('（盖章）');
    expect(text).toContain('三十日内共同向人民法院申请司法确认');
    // The complainant named among the parties is one party, not two.
    expect(text.match(/当事人 王秀兰（签名）/g)).toHaveLength(1);
    expect(fonts.some((font) => /NotoSansCJK/.test(font.name) && font.embedded)).toBe(true);
    // A subset, not the 19 MB collection.
    expect(bytes.length).toBeLessThan(400_000);
  });

  it('is the complainant’s to download for her own case, with her full phone; staff elsewhere and other residents get 404', async () => {
    const own = await download(`/api/v1/cases/${caseId}/agreement.pdf`, 'p-dongmen-resident');
    expect(own.status).toBe(200);
    expect((await pdfText(own.body as Buffer)).text).toContain(AGREED_CASE.complainant.phone);
    for (const outsider of ['p-dongmen-resident-2', 'p-nanjing-admin']) {
      const res = await request(api.app).get(`/api/v1/cases/${caseId}/agreement.pdf`).set(...bearer(tokenFor(outsider)));
      expect(res.status).toBe(404);
      expect(res.body.message.zh).toBeTruthy();
    }
  });

  it('a case without an agreement answers 409 with a message a person can act on', async () => {
    const res = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-grid')))
      .send({ category: 'neighbour_dispute', title: '尚未调解的纠纷', description: '测试', channel: 'grid', location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区' }, complainant: { name: '赖永福', phone: '13700003333' }, parties: [] });
    expect(res.status).toBe(201);
    const pdf = await request(api.app).get(`/api/v1/cases/${res.body.id}/agreement.pdf`).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(pdf.status).toBe(409);
    expect(pdf.body.message).toEqual({ zh: expect.stringContaining('尚未记录调解协议'), en: expect.stringContaining('no recorded mediation agreement') });
    const prepare = await request(api.app).post(`/api/v1/cases/${res.body.id}/judicial-confirmations`).set(...bearer(tokenFor('p-dongmen-admin'))).send({ court: '平和县人民法院' });
    expect(prepare.status).toBe(409);
  });

  it('answers 503 naming the setting when the CJK font is missing', async () => {
    const app = createApp({ config: { ...loadConfig(), taskQueue: api.env.taskQueue, jwtSecret: TEST_SECRET, logLevel: 'silent', cjkFontPath: '/nonexistent/font.ttc' }, db: api.env.db, temporal: api.env.temporal });
    const res = await request(app).get(`/api/v1/cases/${caseId}/agreement.pdf`).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(res.status).toBe(503);
    expect(res.body.detail).toContain('ONEDOOR_CJK_FONT');
    expect(res.body.message.zh).toContain('fonts-noto-cjk');
  });
});

describe('judicial confirmation', () => {
  it('the centre that holds the case prepares it for a court; the hand-off is recorded with who and when, and its bundle is one PDF', async () => {
    const before = await request(api.app).get(`/api/v1/cases/${caseId}/judicial-confirmations`).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ mayPrepare: true, handoffs: [] });
    const agreementAt = Date.parse(before.body.agreementAt);
    expect(Date.parse(before.body.applyBy) - agreementAt).toBe(30 * 86_400_000);

    const prepared = await request(api.app).post(`/api/v1/cases/${caseId}/judicial-confirmations`).set(...bearer(tokenFor('p-dongmen-admin'))).send({ court: '平和县人民法院' });
    expect(prepared.status).toBe(201);
    expect(prepared.body).toMatchObject({ n: 1, court: '平和县人民法院', by: { personId: 'p-dongmen-admin', name: '张美玲', centreId: 'zz-pinghe-xiaoxi-dongmen' } });
    expect(prepared.headers.location).toBe(`/api/v1/cases/${caseId}/judicial-confirmations/1/bundle.pdf`);

    const after = await request(api.app).get(`/api/v1/cases/${caseId}/judicial-confirmations`).set(...bearer(tokenFor('p-dongmen-resident')));
    expect(after.body).toMatchObject({ mayPrepare: false, handoffs: [{ n: 1, court: '平和县人民法院' }] });

    const bundle = await download(String(prepared.headers.location), 'p-dongmen-admin');
    expect(bundle.status).toBe(200);
    const { text, fonts } = await pdfText(bundle.body as Buffer);
    expect(text).toContain('司法确认申请材料');
    expect(text).toContain('平和县人民法院');
    expect(text).toContain('张美玲');
    expect(text).toContain('人民调解协议书');
    expect(text).toContain('当事人信息');
    expect(text).toContain('案件办理记录');
    // The case record, its events in order.
    const record = text.slice(text.indexOf('案件办理记录', text.indexOf('三、案件办理记录') + 1));
    let from = 0;
    for (const label of ['登记受理', '受理', '完成研判', '指派调解员', '记录调解', '达成和解协议']) {
      const at = record.indexOf(label, from);
      expect(at, label).toBeGreaterThanOrEqual(from);
      from = at + label.length;
    }
    expect(fonts.some((font) => /NotoSansCJK/.test(font.name) && font.embedded)).toBe(true);

    const audit = await api.env.db.models.Audit.find({ caseId, action: 'case.judicial_confirmation' }).lean();
    expect(audit).toHaveLength(1);
  });

  it('is refused to an administrator above, to the mediator of another centre and to the complainant; a bundle never prepared is 404', async () => {
    for (const personId of ['p-xiaoxi-admin', 'p-xiaoxi-med-neighbour', 'p-dongmen-resident']) {
      const res = await request(api.app).post(`/api/v1/cases/${caseId}/judicial-confirmations`).set(...bearer(tokenFor(personId))).send({ court: '平和县人民法院' });
      expect(res.status, personId).toBe(403);
      expect(res.body.message.zh).toContain('当前办理中心');
    }
    const missing = await request(api.app).get(`/api/v1/cases/${caseId}/judicial-confirmations/7/bundle.pdf`).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(missing.status).toBe(404);
    const bad = await request(api.app).post(`/api/v1/cases/${caseId}/judicial-confirmations`).set(...bearer(tokenFor('p-dongmen-admin'))).send({ court: '' });
    expect(bad.status).toBe(400);
  });

  it('two hand-offs prepared at once get two numbers', async () => {
    const send = (court: string) => request(api.app).post(`/api/v1/cases/${caseId}/judicial-confirmations`).set(...bearer(tokenFor('p-dongmen-grid'))).send({ court });
    const answers = await Promise.all([send('漳州市芗城区人民法院'), send('平和县人民法院小溪法庭')]);
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    expect(answers.map((a) => a.body.n).sort()).toEqual([2, 3]);
  });
});

describe('exports', () => {
  it('the case list as CSV: a byte order mark, headers in the reader’s language, the list’s filters', async () => {
    const res = await request(api.app).get('/api/v1/cases.csv').query({ lang: 'zh', stage: 'closure', q: caseNumber }).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const lines = res.text.slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(/^案件编号,标题,类别,阶段,状态,办理中心/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(caseNumber);
    expect(lines[1]).toContain('东门社区');
    expect(res.headers['x-total-count']).toBe('1');
    const en = await request(api.app).get('/api/v1/cases.csv').query({ lang: 'en', stage: 'intake' }).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(en.text.slice(1).split('\r\n')[0]).toMatch(/^Case number,Title,Category,Stage/);
    expect(en.text).not.toContain(caseNumber);
  });

  it('the case list as XLSX: numbers are numbers, times are dates, Chinese as it is', async () => {
    const res = await download(`/api/v1/cases.xlsx?lang=zh&q=${encodeURIComponent(AGREED_CASE.title)}`, 'p-dongmen-admin');
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as never);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['案件编号', '标题', '类别']);
    const row = sheet.getRow(2);
    expect(row.getCell(1).value).toBe(caseNumber);
    expect(row.getCell(2).value).toBe(AGREED_CASE.title);
    expect(row.getCell(header.indexOf('当事人数') + 1).value).toBe(2);
    expect(row.getCell(header.indexOf('受理时间') + 1).value).toBeInstanceOf(Date);
  });

  it('the dashboard as CSV and XLSX; residents may not export', async () => {
    const csv = await request(api.app).get('/api/v1/dashboard.csv').query({ lang: 'zh' }).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(csv.status).toBe(200);
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    expect(csv.text).toContain('指标,分项,数值,单位');
    expect(csv.text).toMatch(/按阶段,结案,\d+/);
    const xlsx = await download('/api/v1/dashboard.xlsx?lang=en', 'p-dongmen-admin');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const sheet = book.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['Measure', 'Item', 'Value', 'Unit']);
    const open = sheet.getRow(2);
    expect(open.getCell(1).value).toBe('Open');
    expect(typeof open.getCell(3).value).toBe('number');
    const resident = await request(api.app).get('/api/v1/cases.csv').set(...bearer(tokenFor('p-dongmen-resident')));
    expect(resident.status).toBe(403);
    const other = await request(api.app).get('/api/v1/dashboard.xlsx').query({ centreId: 'zz-nanjing' }).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(other.status).toBe(403);
  });
});
