/* ballot_common: what the pages of secret ballots (票决) share - the deputy's voting page
 * (ballot.js), the results and printable announcement (ballot_result.js) and the workspace's
 * 票决 section (ballots_staff.js): the words for a ballot's kind, state, rule and voting time,
 * its facts, and the results as a table with a bar per candidate.
 *
 * Times come as UTC seconds and are shown in Beijing time. The bars are SVG whose lengths are set
 * as attributes (the pages' policy allows no inline style). */

import './strings/ballots.js';
import {t, has} from './i18n.js';
import {h} from './dom.js';
import {timeEl} from './opinion-public.js';

const SVG = 'http://www.w3.org/2000/svg';

export function kindName(kind) {
  return has(`ballot.kind.${kind}`) ? t(`ballot.kind.${kind}`) : String(kind);
}

export function stateName(state) {
  return has(`ballot.state.${state}`) ? t(`ballot.state.${state}`) : String(state);
}

export function stateBadge(state) {
  return h('span', {class: `badge ballot-state ballot-state-${state}`}, stateName(state));
}

function candidatesCount(b) {
  return b.candidates ? b.candidates.length : b.candidates_count;
}

/* The rule in a sentence ('从 20 项中选出 10 项，…') or short ('20 选 10'). */
export function ruleText(b, short = false) {
  return t(`ballot.rule${short ? '.short' : ''}.${b.rule}`, {n: candidatesCount(b), k: b.choose});
}

/* Whether count choices follow the rule of b. */
export function ruleHolds(b, count) {
  return b.rule === 'exactly' ? count === b.choose : count >= 1 && count <= b.choose;
}

/* A share 0..1 as a percentage with at most one decimal ('66.7'). */
export function percent(share) {
  return String(Math.round((Number(share) || 0) * 1000) / 10);
}

function row(key, value) {
  return value === null || value === undefined || value === '' ? null
    : h('div', null, h('dt', null, t(key)), h('dd', null, value));
}

/* The facts of a ballot as a <dl class="details">. */
export function factsList(b) {
  return h('dl', {class: 'details ballot-facts'},
    row('ballot.congress', b.congress ? b.congress.name : null),
    row('ballot.kind', kindName(b.kind)),
    row('ballot.state', stateName(b.state)),
    row('ballot.rule', ruleText(b)),
    row('ballot.window', h('span', null, timeEl(b.opens_at), ` ${t('ballot.window.to')} `, timeEl(b.closes_at))),
    b.state !== 'draft' && b.electorate ? row('ballot.electorate', String(b.electorate)) : null);
}

/* The candidates with rank <= k are chosen; when a tie at the line lets more than k in, the
 * rank of that tie (for a note), else null. */
export function chosenOf(results, k) {
  const chosen = new Set(results.candidates.filter((c) => c.rank <= k).map((c) => c.id));
  const tie = chosen.size > k ? Math.max(...results.candidates.filter((c) => chosen.has(c.id)).map((c) => c.rank)) : null;
  return {chosen, tie};
}

function bar(votes, max) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'ballot-bar');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('width', '100%');
  svg.setAttribute('height', '12');
  const track = document.createElementNS(SVG, 'rect');
  track.setAttribute('class', 'ballot-bar-track');
  track.setAttribute('width', '100%');
  track.setAttribute('height', '12');
  const fill = document.createElementNS(SVG, 'rect');
  fill.setAttribute('class', 'ballot-bar-fill');
  fill.setAttribute('width', `${max > 0 ? Math.round((votes / max) * 1000) / 10 : 0}%`);
  fill.setAttribute('height', '12');
  svg.append(track, fill);
  return svg;
}

/* The results of b ({cast, electorate, turnout, candidates:[{id, name, votes, rank}]}) as the
 * turnout in words and a table by rank: rank, candidate (marked when chosen), votes with a bar. */
export function resultsView(b, idPrefix) {
  const r = b.results;
  const k = b.choose;
  const {chosen, tie} = chosenOf(r, k);
  const max = Math.max(0, ...r.candidates.map((c) => c.votes));
  const sorted = [...r.candidates].sort((a, c) => a.rank - c.rank);
  const captionId = `${idPrefix}-caption`;
  return h('div', {class: 'ballot-results'},
    h('p', {class: 'ballot-turnout', id: `${idPrefix}-turnout`},
      t('ballot.result.summary', {electorate: r.electorate, cast: r.cast, pct: percent(r.turnout)})),
    h('p', {class: 'muted'}, t('ballot.result.chosen.count', {k})),
    tie ? h('p', {class: 'notice ballot-tie'}, t('ballot.result.tie', {rank: tie, k})) : null,
    h('div', {class: 'table-scroll ballot-table-wrap'},
      h('table', {class: 'ballot-table', id: `${idPrefix}-table`, 'aria-labelledby': captionId},
        h('caption', {id: captionId}, t('ballot.result.table')),
        h('thead', null, h('tr', null,
          h('th', {scope: 'col', class: 'ballot-rank'}, t('ballot.result.rank')),
          h('th', {scope: 'col'}, t('ballot.result.candidate')),
          h('th', {scope: 'col', class: 'ballot-votes'}, t('ballot.result.votes')))),
        h('tbody', null, sorted.map((c) => h('tr', {class: chosen.has(c.id) ? 'chosen' : null, 'data-candidate': c.id},
          h('td', {class: 'ballot-rank'}, String(c.rank)),
          h('th', {scope: 'row', class: 'ballot-name'}, c.name,
            chosen.has(c.id) ? h('span', {class: 'badge ballot-chosen'}, t('ballot.result.chosen')) : null),
          h('td', {class: 'ballot-votes'},
            h('span', {class: 'ballot-count'}, t('ballot.result.votes.value', {n: c.votes})), bar(c.votes, max))))))));
}

/* A receipt code as typed (lower case, spaces, dashes) as the server keeps it: 12 characters of
 * the tracking codes' alphabet, or null. */
export function receiptCode(typed) {
  const code = String(typed).replace(/[\s-]+/g, '').toUpperCase();
  return /^[ACDEFGHJKMNPQRTWXY34679]{12}$/.test(code) ? code : null;
}

/* 'ACDEFGHJKMNP' -> 'ACDE-FGHJ-KMNP'. */
export function receiptShown(code) {
  return String(code).replace(/[\s-]+/g, '').replace(/(.{4})(?=.)/g, '$1-');
}
