/**
 * Demo organisation and people for Zhangzhou (漳州), as in docs/domain.md. Pure data:
 * `onedoor seed` writes it to MongoDB. Phone numbers are fake (1380000xxxx).
 */
import type { Specialty } from './categories';
import type { Role } from './lifecycle';
import type { Centre, Level } from './organisation';
import type { Department } from './departments';

export interface SeedPerson {
  id: string;
  name: string;
  role: Role;
  centreId: string;
  specialties: Specialty[];
  phone?: string;
  title?: string;
  /** Staff of a department (role `department`). */
  departmentId?: string;
}

interface PlaceSpec {
  slug: string;
  zh: string;
  en: string;
}
interface TownSpec extends PlaceSpec {
  villages: PlaceSpec[];
}
interface CountySpec extends PlaceSpec {
  towns: TownSpec[];
}

const place = (slug: string, zh: string, en: string): PlaceSpec => ({ slug, zh, en });
const town = (slug: string, zh: string, en: string, villages: PlaceSpec[]): TownSpec => ({ slug, zh, en, villages });
const county = (slug: string, zh: string, en: string, towns: TownSpec[]): CountySpec => ({ slug, zh, en, towns });

// Every county has a town and every town a village, so an escalation always has a target
// and every level has somewhere for a case to start.
const COUNTIES: readonly CountySpec[] = [
  county('xiangcheng', '芗城区', 'Xiangcheng District', [
    town('punan', '浦南镇', 'Punan Town', [place('punan', '浦南村', 'Punan Village'), place('xiyuan', '溪园村', 'Xiyuan Village')]),
  ]),
  county('longwen', '龙文区', 'Longwen District', [
    town('chaoyang', '朝阳镇', 'Chaoyang Town', [place('chaoyang', '朝阳社区', 'Chaoyang Community'), place('beidou', '北斗村', 'Beidou Village')]),
  ]),
  county('longhai', '龙海区', 'Longhai District', [
    town('haicheng', '海澄镇', 'Haicheng Town', [place('heping', '和平村', 'Heping Village'), place('xiangyang', '向阳村', 'Xiangyang Village')]),
    town('shima', '石码街道', 'Shima Subdistrict', [place('nanmen', '南门社区', 'Nanmen Community')]),
  ]),
  county('changtai', '长泰区', 'Changtai District', [
    town('wuan', '武安镇', "Wu'an Town", [place('chengguan', '城关社区', 'Chengguan Community')]),
  ]),
  county('yunxiao', '云霄县', 'Yunxiao County', [
    town('yunling', '云陵镇', 'Yunling Town', [place('chengnei', '城内社区', 'Chengnei Community')]),
  ]),
  county('zhangpu', '漳浦县', 'Zhangpu County', [
    town('suian', '绥安镇', "Sui'an Town", [place('chengdong', '城东社区', 'Chengdong Community')]),
  ]),
  county('zhaoan', '诏安县', "Zhao'an County", [
    town('nanzhao', '南诏镇', 'Nanzhao Town', [place('beiguan', '北关社区', 'Beiguan Community')]),
  ]),
  county('dongshan', '东山县', 'Dongshan County', [
    town('tongling', '铜陵镇', 'Tongling Town', [place('fengdong', '风动社区', 'Fengdong Community')]),
  ]),
  county('nanjing', '南靖县', 'Nanjing County', [
    town('shancheng', '山城镇', 'Shancheng Town', [
      place('liuan', '六安村', "Liu'an Village"),
      place('yanta', '雁塔村', 'Yanta Village'),
      place('cuimei', '翠眉村', 'Cuimei Village'),
    ]),
    town('shuyang', '书洋镇', 'Shuyang Town', [place('tianluokeng', '田螺坑村', 'Tianluokeng Village')]),
  ]),
  county('pinghe', '平和县', 'Pinghe County', [
    town('xiaoxi', '小溪镇', 'Xiaoxi Town', [
      place('dongmen', '东门社区', 'Dongmen Community'),
      place('ximen', '西门社区', 'Ximen Community'),
      place('xinqiao', '新桥村', 'Xinqiao Village'),
    ]),
    town('banzai', '坂仔镇', 'Banzai Town', [place('baonan', '宝南村', 'Baonan Village')]),
  ]),
  county('huaan', '华安县', "Hua'an County", [
    town('huafeng', '华丰镇', 'Huafeng Town', [place('huafeng', '华丰村', 'Huafeng Village')]),
  ]),
  county('tiz', '漳州台商投资区', 'Zhangzhou Taiwanese Investment Zone', [
    town('jiaomei', '角美镇', 'Jiaomei Town', [
      place('shicuo', '石厝村', 'Shicuo Village'),
      place('liuchuan', '流传村', 'Liuchuan Village'),
      place('dongmei', '东美村', 'Dongmei Village'),
    ]),
  ]),
];

export const SEED_CITY_ID = 'zz';

function centre(id: string, spec: PlaceSpec, level: Level, parentId: string | null): Centre {
  return { id, name: { zh: spec.zh, en: spec.en }, level, parentId };
}

function buildCentres(): Centre[] {
  const centres: Centre[] = [centre(SEED_CITY_ID, place('zz', '漳州市', 'Zhangzhou City'), 'city', null)];
  for (const c of COUNTIES) {
    const countyId = `${SEED_CITY_ID}-${c.slug}`;
    centres.push(centre(countyId, c, 'county', SEED_CITY_ID));
    for (const t of c.towns) {
      const townId = `${countyId}-${t.slug}`;
      centres.push(centre(townId, t, 'town', countyId));
      for (const v of t.villages) centres.push(centre(`${townId}-${v.slug}`, v, 'village', townId));
    }
  }
  return centres;
}

export const SEED_CENTRES: Centre[] = buildCentres();

/** Centres the worked examples start from. */
export const SEED_PLACES = {
  city: 'zz',
  pinghe: 'zz-pinghe',
  xiaoxi: 'zz-pinghe-xiaoxi',
  dongmen: 'zz-pinghe-xiaoxi-dongmen',
  tiz: 'zz-tiz',
  jiaomei: 'zz-tiz-jiaomei',
  shicuo: 'zz-tiz-jiaomei-shicuo',
  nanjing: 'zz-nanjing',
  shancheng: 'zz-nanjing-shancheng',
  liuan: 'zz-nanjing-shancheng-liuan',
} as const;

/** The article's departments: the district's operations company (the kiosk), the town's construction station (the house). */
export const SEED_DEPARTMENTS: Department[] = [
  { id: 'dept-tiz-operations', name: { zh: '台商区城市运营集团', en: 'Investment Zone Operations Company' }, centreId: 'zz-tiz' },
  { id: 'dept-xiaoxi-construction', name: { zh: '小溪镇村建站', en: 'Xiaoxi Town Construction Station' }, centreId: 'zz-pinghe-xiaoxi' },
  { id: 'dept-pinghe-police', name: { zh: '平和县公安局', en: 'Pinghe County Public Security Bureau' }, centreId: 'zz-pinghe' },
];

type PersonSpec = Omit<SeedPerson, 'phone'>;

const p = (id: string, name: string, role: Role, centreId: string, specialties: Specialty[] = [], title?: string): PersonSpec =>
  title === undefined ? { id, name, role, centreId, specialties } : { id, name, role, centreId, specialties, title };

/** A department's staff member: at the department's centre, with the department named. */
const staffOf = (id: string, name: string, departmentId: string, centreId: string, title: string): PersonSpec => ({ id, name, role: 'department', centreId, specialties: [], title, departmentId });

const DEPARTMENT_STAFF: readonly PersonSpec[] = [
  staffOf('p-tiz-ops', '苏文斌', 'dept-tiz-operations', 'zz-tiz', '运营集团调度员'),
  staffOf('p-xiaoxi-construction', '蔡建民', 'dept-xiaoxi-construction', 'zz-pinghe-xiaoxi', '村建站站长'),
  staffOf('p-pinghe-police', '吴国栋', 'dept-pinghe-police', 'zz-pinghe', '派出所民警'),
];

const KEY_PEOPLE: readonly PersonSpec[] = [
  // City
  p('p-zz-admin', '陈建国', 'admin', 'zz', [], '市综治中心主任'),
  p('p-zz-expert-legal', '黄振华', 'expert', 'zz', ['legal', 'estate'], '首席法律咨询专家'),
  p('p-zz-expert-building', '方志诚', 'expert', 'zz', ['building_safety', 'public_facility'], '高级工程师'),
  p('p-zz-med-labour', '郑丽萍', 'mediator', 'zz', ['labour', 'legal']),
  // Pinghe County, Xiaoxi Town, Dongmen Community
  p('p-pinghe-admin', '林志强', 'admin', 'zz-pinghe', [], '县综治中心主任'),
  p('p-pinghe-med-estate', '赖秀英', 'mediator', 'zz-pinghe', ['estate', 'neighbour']),
  p('p-pinghe-med-land', '曾德福', 'mediator', 'zz-pinghe', ['land', 'family']),
  p('p-pinghe-expert-legal', '朱文斌', 'expert', 'zz-pinghe', ['legal', 'estate'], '首席法律咨询专家'),
  p('p-pinghe-expert-building', '杨建平', 'expert', 'zz-pinghe', ['building_safety'], '镇村建站工程师'),
  p('p-xiaoxi-admin', '胡晓燕', 'admin', 'zz-pinghe-xiaoxi', [], '镇综治中心主任'),
  p('p-xiaoxi-med-neighbour', '蔡明辉', 'mediator', 'zz-pinghe-xiaoxi', ['neighbour', 'family']),
  p('p-xiaoxi-med-building', '吴海涛', 'mediator', 'zz-pinghe-xiaoxi', ['building_safety', 'public_facility']),
  p('p-dongmen-admin', '张美玲', 'admin', 'zz-pinghe-xiaoxi-dongmen', [], '社区党委书记、网格长'),
  p('p-dongmen-grid', '李俊杰', 'grid_worker', 'zz-pinghe-xiaoxi-dongmen', [], '网格员'),
  p('p-dongmen-resident', '王秀兰', 'resident', 'zz-pinghe-xiaoxi-dongmen'),
  p('p-dongmen-resident-2', '赖永福', 'resident', 'zz-pinghe-xiaoxi-dongmen'),
  // Taiwanese Investment Zone, Jiaomei Town, Shicuo Village
  p('p-tiz-admin', '郭伟', 'admin', 'zz-tiz', [], '区综治中心主任'),
  p('p-tiz-med-estate', '苏雅琴', 'mediator', 'zz-tiz', ['estate', 'legal']),
  p('p-tiz-med-labour', '庄国华', 'mediator', 'zz-tiz', ['labour']),
  p('p-jiaomei-admin', '杨志明', 'admin', 'zz-tiz-jiaomei', [], '镇综治中心主任'),
  p('p-jiaomei-med-estate', '洪丽华', 'mediator', 'zz-tiz-jiaomei', ['estate', 'neighbour']),
  p('p-jiaomei-med-public', '许建成', 'mediator', 'zz-tiz-jiaomei', ['public_facility', 'building_safety']),
  p('p-shicuo-admin', '杨金水', 'admin', 'zz-tiz-jiaomei-shicuo', [], '村党支部书记、网格长'),
  p('p-shicuo-grid', '杨小兵', 'grid_worker', 'zz-tiz-jiaomei-shicuo', [], '网格员'),
  p('p-shicuo-resident', '林春花', 'resident', 'zz-tiz-jiaomei-shicuo'),
  // Nanjing County, Shancheng Town, Liu'an Village
  p('p-nanjing-admin', '简国平', 'admin', 'zz-nanjing', [], '县综治中心主任'),
  p('p-nanjing-med-family', '刘淑珍', 'mediator', 'zz-nanjing', ['family', 'neighbour']),
  p('p-nanjing-med-land', '萧荣发', 'mediator', 'zz-nanjing', ['land', 'estate']),
  p('p-shancheng-admin', '魏建华', 'admin', 'zz-nanjing-shancheng', [], '镇综治中心主任'),
  p('p-shancheng-med-neighbour', '韩丽君', 'mediator', 'zz-nanjing-shancheng', ['neighbour', 'land']),
  p('p-shancheng-med-labour', '戴文龙', 'mediator', 'zz-nanjing-shancheng', ['labour', 'building_safety']),
  p('p-liuan-admin', '庄永清', 'admin', 'zz-nanjing-shancheng-liuan', [], '村党支部书记、网格长'),
  p('p-liuan-grid', '戴志远', 'grid_worker', 'zz-nanjing-shancheng-liuan', [], '网格员'),
  p('p-liuan-resident', '沈桂英', 'resident', 'zz-nanjing-shancheng-liuan'),
  // A few more mediators elsewhere, so the pool is not only in the worked-example counties.
  p('p-xiangcheng-med-labour', '邱振宇', 'mediator', 'zz-xiangcheng', ['labour', 'family']),
  p('p-longhai-med-land', '卢金德', 'mediator', 'zz-longhai', ['land', 'neighbour']),
  p('p-longhai-haicheng-med-family', '钟惠芳', 'mediator', 'zz-longhai-haicheng', ['family']),
];

/** Names for the admins of the remaining counties and towns, handed out in order. */
const ADMIN_NAMES = [
  '吴建新', '郑国强', '黄丽娟', '林海峰', '陈秋菊', '蔡志勇', '许明华', '游春生', '卢淑华', '何文杰',
  '江永辉', '邱美华', '谢金龙', '叶秀珍', '周伟东', '潘丽清', '施振兴', '黄伟民', '林玉梅', '陈德明',
];

/** Counties and towns without a hand-written admin get one, so every upper centre is staffed. */
function generatedAdmins(existing: readonly PersonSpec[]): PersonSpec[] {
  const staffed = new Set(existing.filter((person) => person.role === 'admin').map((person) => person.centreId));
  const unstaffed = SEED_CENTRES.filter((c) => (c.level === 'county' || c.level === 'town') && !staffed.has(c.id));
  return unstaffed.map((c, index) => {
    const name = ADMIN_NAMES[index % ADMIN_NAMES.length] ?? '陈建华';
    return p(`p-${c.id.replace(/^zz-/, '')}-admin`, name, 'admin', c.id, [], c.level === 'county' ? '综治中心主任' : '镇综治中心主任');
  });
}

function withPhones(people: readonly PersonSpec[]): SeedPerson[] {
  return people.map((person, index) => ({ ...person, phone: `1380000${String(index + 1).padStart(4, '0')}` }));
}

/** Ximen Community, the peer a Dongmen case is transferred to when it was reported to the wrong place. */
const PEER_STAFF: readonly PersonSpec[] = [p('p-ximen-admin', '郑晓东', 'admin', 'zz-pinghe-xiaoxi-ximen', [], '社区党委书记、网格长')];

// People added since the first release come last, so that everyone else keeps the phone number they had.
export const SEED_PEOPLE: SeedPerson[] = withPhones([...KEY_PEOPLE, ...generatedAdmins(KEY_PEOPLE), ...DEPARTMENT_STAFF, ...PEER_STAFF]);
