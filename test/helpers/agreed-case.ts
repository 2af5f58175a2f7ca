/** A neighbour dispute at Dongmen community walked to a recorded agreement, through the HTTP API: what the documents tests start from. */
import { tokenFor } from '../api/helpers';

export const AGREED_CASE = {
  title: '邻里排水沟纠纷',
  complainant: { name: '王秀兰', phone: '13800002222', personId: 'p-dongmen-resident' },
  parties: [
    { name: '林志强', role: '邻居' },
    { name: '王秀兰', role: '申请人' },
  ],
  terms: [
    { party: '林志强', obligation: '十日内疏通并改建排水沟，费用自理' },
    { party: '王秀兰', obligation: '允许施工人员进入自家院落' },
    { party: '林志强', obligation: '赔偿院墙修缮费人民币八百元' },
  ],
  mediatorName: '蔡明辉',
  centreName: '东门社区',
} as const;

type Send = (method: 'POST', path: string, token: string, body: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

/** Opens the case as the community's grid worker and records the agreement; answers the case id and number. */
export async function agreedCase(send: Send): Promise<{ id: string; caseNumber: string }> {
  const created = await send('POST', '/api/v1/cases', tokenFor('p-dongmen-grid'), {
    category: 'neighbour_dispute',
    title: AGREED_CASE.title,
    description: '两户之间的排水沟堵塞，雨水倒灌王家院落，双方多次争吵。',
    channel: 'grid',
    location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区后巷 3 号' },
    complainant: AGREED_CASE.complainant,
    parties: AGREED_CASE.parties,
  });
  if (created.status !== 201) throw new Error(`intake: ${created.status} ${JSON.stringify(created.body)}`);
  const id = String(created.body.id);
  const act = async (personId: string, action: Record<string, unknown>) => {
    const res = await send('POST', `/api/v1/cases/${id}/actions`, tokenFor(personId), action);
    if (res.status !== 200) throw new Error(`${String(action.type)} by ${personId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await act('p-dongmen-grid', { type: 'accept' });
  await act('p-dongmen-admin', { type: 'assess', risk: 'low', factors: [] });
  await act('p-dongmen-admin', { type: 'assign_mediator', mediatorId: 'p-xiaoxi-med-neighbour' });
  await act('p-xiaoxi-med-neighbour', { type: 'record_session', summary: '双方到场，现场查看排水沟' });
  await act('p-xiaoxi-med-neighbour', { type: 'record_agreement', terms: AGREED_CASE.terms });
  return { id, caseNumber: String(created.body.caseNumber) };
}
