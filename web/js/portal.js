/* portal: the public landing page - translations and the running version in the footer. */

import {initI18n, t} from './i18n.js';
import {api} from './api.js';

let version = null;

function renderVersion() {
  document.getElementById('version').textContent = version ? '· ' + t('footer.version', {version}) : '';
}

async function start() {
  initI18n();
  document.addEventListener('langchange', renderVersion);
  try {
    const meta = await api('GET', '/api/v1/meta');
    version = meta && typeof meta.version === 'string' ? meta.version : null;
  } catch {
    version = null; /* the footer simply goes without it */
  }
  renderVersion();
}

start();
