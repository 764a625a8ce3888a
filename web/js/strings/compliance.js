/* Strings of the workspace's 履职合规 (compliance.js): the stations that held no reception in a
 * month and the deputies on duty who did not turn up. */
import {addStrings} from '../i18n.js';

addStrings({
  'zh-CN': {
    'compliance.heading': '履职合规',
    'compliance.intro': '按月查看本辖区内没有开展接待的联络站，以及值班却未到场的代表（以活动记录为准）。',
    'compliance.month': '月份',
    'compliance.month.hint': '格式：年-月，例如 2026-05',
    'compliance.show': '查看',
    'compliance.loading': '正在查询…',
    'compliance.error': '无法查询：{message}',
    'compliance.summary': '{month}：{stations} 个联络站未开展接待，{deputies} 名代表值班未到。',
    'compliance.err.month': '请按“年-月”填写月份，例如 2026-05',
    'compliance.scope': '{region} · {month}',
    'compliance.stations': '未开展接待的联络站',
    'compliance.deputies': '值班未到的代表',
    'compliance.stations.empty': '{month}每个联络站都开展了接待，或登记了来访群众。',
    'compliance.deputies.empty': '{month}的活动记录中没有值班未到的代表。',
    'compliance.all_clear': '{month}没有需要关注的情况。',
    'compliance.absences': '缺席 {n} 次',
    'compliance.absences.one': '缺席 1 次',
    'compliance.missed': '{name}缺席的活动',
    'compliance.activity': '活动 #{id}'
  },
  en: {
    'compliance.heading': 'Compliance',
    'compliance.intro': 'For a month: the stations of your region that held no reception, and the deputies on duty who did not turn up (as the activity records say).',
    'compliance.month': 'Month',
    'compliance.month.hint': 'Year-month, such as 2026-05',
    'compliance.show': 'Show',
    'compliance.loading': 'Looking…',
    'compliance.error': 'Cannot look: {message}',
    'compliance.summary': '{month}: {stations} stations held no reception; {deputies} deputies on duty did not turn up.',
    'compliance.err.month': 'Give the month as year-month, such as 2026-05',
    'compliance.scope': '{region} · {month}',
    'compliance.stations': 'Stations without a reception',
    'compliance.deputies': 'Deputies on duty who did not turn up',
    'compliance.stations.empty': 'In {month} every station held a reception or received visitors.',
    'compliance.deputies.empty': 'No deputy on duty is recorded as absent in {month}.',
    'compliance.all_clear': 'Nothing needs attention in {month}.',
    'compliance.absences': 'absent {n} times',
    'compliance.absences.one': 'absent once',
    'compliance.missed': 'Activities {name} missed',
    'compliance.activity': 'Activity #{id}'
  }
});
