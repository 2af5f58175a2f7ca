/**
 * What the agreement and the court's bundle say, read from the case: its parties, the terms
 * each agreed to, the mediator, the centre that mediated, the date, and signature lines for
 * every party, the mediator and the centre's seal. The bundle adds the parties' details and
 * the case record (every event in order) behind a cover that names the court.
 */
import { agreementRecordedAt, applyBy } from '../../domain/judicial-confirmation';
import type { CaseDocument, CaseEvent } from '../../domain';
import { translate } from '../../../web/src/i18n';
import { facts, heading, newPdf, paragraph, pdfBytes, signatureLine, table, title, type Pdf } from './pdf';
import type { Config } from '../../config';

export interface AgreementFacts {
  doc: CaseDocument;
  /** The complainant's phone as this reader may see it (masked unless staff of the case or the complainant). */
  complainantPhone: string;
  mediatorName: string | null;
  /** The centre that mediated, by its Chinese name. */
  centreName: string;
  /** Names of centres and people the record mentions. */
  centreNameOf: (id: string) => string;
  personNameOf: (id: string) => string | null;
  timeZone: string;
}

export interface Handoff {
  court: string;
  at: number;
  by: { personId: string; name: string | null; centreId: string };
}

/** Each party once, the complainant first (named among the parties too, she is still one party: `partyCountOf`). */
export function partiesOf(doc: CaseDocument, phone: string): { name: string; role: string; contact: string }[] {
  const same = (name: string) => name.trim().replace(/\s+/g, '').toLowerCase();
  const seen = new Set([same(doc.complainant.name)]);
  const list = [{ name: doc.complainant.name, role: '反映人', contact: phone }];
  for (const party of doc.parties) {
    if (seen.has(same(party.name)) || same(party.name) === '') continue;
    seen.add(same(party.name));
    list.push({ name: party.name, role: party.role, contact: '' });
  }
  return list;
}

/** The terms grouped by the party they bind, in the order the parties first appear. */
export function termsByParty(terms: readonly { party: string; obligation: string }[]): { party: string; obligations: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const term of terms) {
    const list = groups.get(term.party) ?? [];
    list.push(term.obligation);
    groups.set(term.party, list);
  }
  return [...groups].map(([party, obligations]) => ({ party, obligations }));
}

const CHINESE_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const ordinal = (i: number) => (i < 10 ? CHINESE_NUMBERS[i]! : String(i + 1));

function localParts(ms: number, timeZone: string): Record<string, string> {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
}

export function chineseDate(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日`;
}

function localDateTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.year}-${p.month!.padStart(2, '0')}-${p.day!.padStart(2, '0')} ${p.hour}:${p.minute}`;
}

/** The agreement's pages, drawn into `pdf`. */
function drawAgreement(pdf: Pdf, f: AgreementFacts): void {
  const { doc } = f;
  const agreedAt = agreementRecordedAt(doc);
  const parties = partiesOf(doc, f.complainantPhone);
  title(pdf, '人民调解协议书');
  pdf.fontSize(10.5).text(`编号：${doc.caseNumber}`, { align: 'right' });
  pdf.moveDown(0.5);

  heading(pdf, '当事人');
  parties.forEach((party, i) => facts(pdf, [[`当事人${ordinal(i)}`, `${party.name}（${party.role}）${party.contact ? `，联系电话 ${party.contact}` : ''}`]]));

  heading(pdf, '纠纷事项');
  paragraph(pdf, `${doc.title}。${doc.description}`, { indent: true });
  facts(pdf, [['纠纷地点', `${f.centreNameOf(doc.location.centreId)} ${doc.location.address}`]]);

  heading(pdf, '协议内容');
  paragraph(pdf, `经${f.centreName}主持调解，各方当事人在自愿、平等的基础上达成如下协议：`, { indent: true });
  termsByParty(doc.agreement ?? []).forEach((group, i) => {
    paragraph(pdf, `${ordinal(i)}、${group.party}：`);
    group.obligations.forEach((obligation, j) => paragraph(pdf, `${j + 1}. ${obligation}`, { indent: true }));
  });
  paragraph(pdf, '各方当事人应当按照本协议履行各自的义务。本协议自各方当事人签名（盖章）、人民调解员签名并加盖调解组织印章之日起生效，对各方当事人具有法律约束力。', { indent: true });
  paragraph(pdf, `各方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认。本协议一式 ${parties.length + 1} 份，当事人各执一份，调解组织留存一份。`, { indent: true });

  heading(pdf, '调解组织与调解员');
  facts(pdf, [
    ['调解组织', f.centreName],
    ['人民调解员', f.mediatorName ?? '—'],
    ['达成日期', agreedAt === null ? '—' : chineseDate(agreedAt, f.timeZone)],
  ]);

  // The signatures stay together on one page.
  heading(pdf, '签名', (parties.length + 2) * 34 + 110);
  for (const party of parties) signatureLine(pdf, `当事人 ${party.name}（签名）`);
  signatureLine(pdf, `人民调解员 ${f.mediatorName ?? ''}（签名）`);
  signatureLine(pdf, `调解组织 ${f.centreName}（盖章）`, { seal: true });
}

export async function agreementPdf(config: Config, f: AgreementFacts): Promise<Buffer> {
  const pdf = newPdf(config, { title: `人民调解协议书 ${f.doc.caseNumber}`, subject: f.doc.title });
  drawAgreement(pdf, f);
  return pdfBytes(pdf);
}

const DETAIL_KEYS = ['reason', 'summary', 'question', 'opinion', 'note', 'task', 'reply', 'comment'] as const;

/** What an event says beyond its type, in a line: its reason, summary, question…; an agreement's terms. */
function detailText(event: CaseEvent, f: AgreementFacts): string {
  const parts: string[] = [];
  const d = event.detail;
  for (const key of DETAIL_KEYS) if (typeof d[key] === 'string' && d[key] !== '') parts.push(d[key]);
  if (Array.isArray(d.terms)) for (const term of d.terms as { party?: unknown; obligation?: unknown }[]) parts.push(`${String(term.party)}：${String(term.obligation)}`);
  if (typeof d.rating === 'number') parts.push(`评价 ${d.rating} 星`);
  if (typeof d.toCentreId === 'string') parts.push(`至 ${f.centreNameOf(d.toCentreId)}`);
  if (typeof d.mediatorId === 'string') parts.push(`调解员 ${f.personNameOf(d.mediatorId) ?? d.mediatorId}`);
  return parts.join('；');
}

function actorText(event: CaseEvent, f: AgreementFacts): string {
  if (event.actor.kind !== 'person') return translate('zh', 'event.system');
  return f.personNameOf(event.actor.personId) ?? event.actor.personId;
}

/** The court's bundle: a cover naming the court, the agreement, the parties' details, the case record. */
export async function judicialBundlePdf(config: Config, f: AgreementFacts, events: readonly CaseEvent[], handoff: Handoff): Promise<Buffer> {
  const { doc } = f;
  const agreedAt = agreementRecordedAt(doc);
  const pdf = newPdf(config, { title: `司法确认申请材料 ${doc.caseNumber}`, subject: `${handoff.court} · ${doc.title}` });

  title(pdf, '司法确认申请材料');
  facts(pdf, [
    ['受理法院', handoff.court],
    ['案件编号', doc.caseNumber],
    ['纠纷事项', doc.title],
    ['调解组织', f.centreName],
    ['人民调解员', f.mediatorName ?? '—'],
    ['协议达成日期', agreedAt === null ? '—' : chineseDate(agreedAt, f.timeZone)],
    ['申请期限', agreedAt === null ? '—' : `自协议生效之日起三十日内（按协议达成日计，至 ${chineseDate(applyBy(agreedAt), f.timeZone)}），由各方当事人共同向人民法院提出`],
    ['材料准备人', `${handoff.by.name ?? handoff.by.personId}（${f.centreNameOf(handoff.by.centreId)}）`],
    ['准备时间', localDateTime(handoff.at, f.timeZone)],
  ]);
  heading(pdf, '材料目录');
  ['一、人民调解协议书', '二、当事人信息', '三、案件办理记录'].forEach((line) => paragraph(pdf, line, { indent: true }));

  pdf.addPage();
  drawAgreement(pdf, f);

  pdf.addPage();
  title(pdf, '当事人信息');
  const parties = partiesOf(doc, f.complainantPhone);
  table(pdf, [{ header: '序号', width: 0.08 }, { header: '姓名或名称', width: 0.34 }, { header: '身份', width: 0.28 }, { header: '联系电话', width: 0.3 }], parties.map((p, i) => [String(i + 1), p.name, p.role, p.contact]));
  facts(pdf, [
    ['纠纷地点', `${f.centreNameOf(doc.location.centreId)} ${doc.location.address}`],
    ['受理渠道', translate('zh', `channel.${doc.channel}`)],
    ['受理时间', localDateTime(doc.receivedAt, f.timeZone)],
  ]);

  pdf.addPage();
  title(pdf, '案件办理记录');
  table(
    pdf,
    [{ header: '序号', width: 0.075 }, { header: '时间', width: 0.19 }, { header: '事项', width: 0.155 }, { header: '办理人', width: 0.12 }, { header: '办理单位', width: 0.16 }, { header: '说明', width: 0.3 }],
    events.map((e) => [String(e.seq), localDateTime(e.at, f.timeZone), translate('zh', `event.${e.type}`), actorText(e, f), f.centreNameOf(e.centreId), detailText(e, f)]),
  );
  return pdfBytes(pdf);
}
