/* duty_sections: the workspace's sections of duty records (履职档案, SPEC §6), each shown to the
 * roles it serves - a deputy: 我的履职 (duties.js) and 述职报告 (annual_report_editor.js); staff
 * and admins: 履职审核 (duty_review.js), 代为登记 (duties.js, for a deputy they pick), 履职积分 and
 * 履职义务 (scores_board.js); a member: 联系代表
 * (members_view.js) and 履职积分; an admin also the members' links to deputies (members_view.js). */

import * as duties from './duties.js';
import * as review from './duty_review.js';
import * as scores from './scores_board.js';
import * as reportEditor from './annual_report_editor.js';
import * as members from './members_view.js';

const ALL = [duties, review, scores, reportEditor, members];

/* Shows the sections of me.role; options.onSessionLost runs on a 401. */
export async function show(me, options = {}) {
  const role = me.role;
  const work = [];
  if (role === 'deputy')
    work.push(duties.show(me, options), reportEditor.show(me, options));
  if (role === 'staff' || role === 'admin')
    work.push(review.show(me, options), duties.show(me, options), scores.show(me, {...options, obligations: true}));
  if (role === 'member')
    work.push(scores.show(me, options));
  if (role === 'member' || role === 'admin')
    work.push(members.show(me, options));
  await Promise.all(work);
}

export function hide() {
  for (const mod of ALL)
    mod.hide();
}

export function render() {
  for (const mod of ALL)
    mod.render();
}
