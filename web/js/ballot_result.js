/* ballot_result: the results of a secret ballot (ballot-result.html?id=N) - the public page once
 * they are published, which the office also reads once the ballot has closed - and, printed, the
 * announcement on A4 (ballot.css): the ballot's facts, the turnout, each candidate's votes and
 * rank with a bar, the chosen k marked in words, and the date. The results come with
 * GET /api/v1/ballots/:id only when the reader may see them; before that the page says so. */

import './strings/ballots.js';
import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, idParam} from './dom.js';
import {say, rerenderMessages} from './forms.js';
import {beijingDate} from './opinion-public.js';
import {factsList, resultsView} from './ballot_common.js';

const ballotId = idParam('id');

let ballot = null;

function render() {
  const b = ballot;
  if (!b)
    return;
  document.title = `${b.title} - ${t('ballot.result.title')}`;
  $('result-title').hidden = false;
  $('result-title').textContent = b.title;
  $('result-facts').replaceChildren(factsList(b));
  $('result-description').hidden = !b.description;
  $('result-description').textContent = b.description || '';
  $('result-body').replaceChildren(resultsView(b, 'result'));
  const when = b.published_at || b.closed_at;
  $('result-signature').hidden = false;
  $('result-signature').textContent = when ? `${t('ballot.result.office')}\n${beijingDate(when)}` : t('ballot.result.office');
}

function fail(render) {
  say('status', render);
  $('status').hidden = false;
}

async function start() {
  initI18n();
  document.addEventListener('langchange', () => {
    rerenderMessages();
    render();
  });
  $('result-print').addEventListener('click', () => window.print());
  if (!ballotId) {
    fail(() => t('ballot.missing_id'));
    return;
  }
  $('result-check').href = `/ballot.html?id=${ballotId}#check`;
  let b;
  try {
    b = await api('GET', `/api/v1/ballots/${ballotId}`);
  } catch (err) {
    fail(err.status === 404 || err.status === 403 ? () => t('ballot.result.not_published')
      : err.code === 'network' ? () => t('ballot.error.network') : () => t('error.unknown', {status: err.status}));
    return;
  }
  if (!b || !b.results) {
    fail(() => t(b && (b.state === 'draft' || b.state === 'open') ? 'ballot.result.hidden' : 'ballot.result.not_published'));
    return;
  }
  ballot = b;
  say('status', null);
  $('status').hidden = true;
  $('result-links').hidden = false;
  render();
}

start();
