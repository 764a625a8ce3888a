/* suggestions: the 代表建议 sections of the staff workspace (SPEC §5), one module per role - the
 * deputy's editor and inbox (suggestions_deputy.js), the office's board to review and assign
 * (suggestions_office.js), the unit's workspace (suggestions_unit.js), a member's read-only board -
 * and, for the office and members, the supervision view (suggestions_supervise.js). */

import {$} from './dom.js';
import {boardSection} from './suggestions_common.js';
import * as deputy from './suggestions_deputy.js';
import * as office from './suggestions_office.js';
import * as unit from './suggestions_unit.js';
import * as supervise from './suggestions_supervise.js';

/* A member reads the region's suggestions (and those it supervises) without steps. */
const member = boardSection(() => ({prefix: 'sgm', steps: () => [],
  tabs: ['all', 'assigned', 'handling', 'replied', 'evaluated', 'closed']}));

const BY_ROLE = {deputy, admin: office, unit, member};

let shown = null;

/* Shows the role's sections; onSessionLost runs on a 401. */
export async function show(me, {onSessionLost}) {
  const mod = BY_ROLE[me.role];
  if (!mod)
    return;
  const lost = (err) => {
    if (err && err.status === 401) {
      onSessionLost();
      return true;
    }
    return false;
  };
  shown = mod;
  $('suggestions-view').hidden = false;
  const work = [mod.show(me, lost)];
  if (me.role === 'admin' || me.role === 'member')
    work.push(supervise.show(me, lost));
  await Promise.all(work);
}

export function hide() {
  if (shown)
    shown.hide();
  shown = null;
  supervise.hide();
  const view = $('suggestions-view');
  if (view) {
    view.hidden = true;
    $('suggestions-root').replaceChildren();
  }
}

export function render() {
  if (!shown)
    return;
  shown.render();
  supervise.render();
}
