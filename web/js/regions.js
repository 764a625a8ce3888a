/* regions: the region tree from /api/v1/regions, and a cascade of <select>s to pick a place in it
 * (province > city > county > township > village), one labelled select per level below a root.
 *
 * Answers are cached for the life of the page: regions change once a year. The cascade's value
 * is the deepest region chosen, or the root when nothing below it is. */

import {api} from './api.js';
import {t} from './i18n.js';
import {h} from './dom.js';

const infos = new Map();    /* code -> GET /api/v1/regions/:code */
const names = new Map();    /* code -> name, from any answer seen */
let provinces = null;
const AUTO_LEVEL_MAX = 2;   /* city: the deepest level chosen for the visitor when it is alone */

function remember(list) {
  for (const r of list || [])
    names.set(r.code, r.name);
}

/* The region (with path and children); rejects with the ApiError (404 for an unknown code). */
export async function regionInfo(code) {
  if (!infos.has(code)) {
    const pending = api('GET', `/api/v1/regions/${encodeURIComponent(code)}`).then((info) => {
      names.set(info.code, info.name);
      remember(info.path);
      remember(info.children);
      return info;
    });
    infos.set(code, pending);
    pending.catch(() => infos.delete(code));
  }
  return infos.get(code);
}

/* The regions right under code (provinces for null). */
export async function regionChildren(code) {
  if (code)
    return (await regionInfo(code)).children || [];
  if (!provinces) {
    provinces = api('GET', '/api/v1/regions').then((data) => {
      remember(data.children);
      return data.children || [];
    });
    provinces.catch(() => { provinces = null; });
  }
  return provinces;
}

/* The name of a region already seen on this page, or null. */
export function regionName(code) {
  return names.get(code) || null;
}

/* Fetches the names of codes not seen yet; resolves when they are known (or failed). */
export async function learnNames(codes) {
  const unknown = [...new Set(codes)].filter((c) => c && !names.has(c));
  await Promise.all(unknown.map((c) => regionInfo(c).catch(() => null)));
}

/* The label of the select choosing among regions of this level (1 province .. 5 village). */
export function levelLabel(level) {
  return t(`region.level.${Math.min(Math.max(level, 1), 5)}`);
}

export class RegionCascade {
  /* container: an element to fill; idPrefix: for the selects' ids; root: {code, name} to pick
   * below, or null for the whole country; blank(parentName, depth): the text of each select's
   * "nothing chosen" option; autoSingle: a level with a single region is chosen for the visitor;
   * onChange(code): after every choice, once the levels below are in place. */
  constructor({container, idPrefix, root = null, blank, autoSingle = false, onChange = () => {}}) {
    this.container = container;
    this.idPrefix = idPrefix;
    this.root = root;
    this.blank = blank;
    this.autoSingle = autoSingle;
    this.onChange = onChange;
    this.levels = [];       /* {parent: {code, name} | null, box, select, children} */
    this.generation = 0;    /* a newer choice makes the answers for an older one stale */
  }

  value() {
    for (let i = this.levels.length - 1; i >= 0; i--)
      if (this.levels[i].select.value)
        return this.levels[i].select.value;
    return this.root ? this.root.code : null;
  }

  /* The chosen regions from the top: [{code, name, level}]. */
  chosen() {
    const out = [];
    for (const level of this.levels) {
      const c = level.children.find((r) => r.code === level.select.value);
      if (!c)
        break;
      out.push(c);
    }
    return out;
  }

  /* The first select (where a message about the whole field points), or null. */
  firstSelect() {
    return this.levels.length ? this.levels[0].select : null;
  }

  truncate(depth) {
    for (const level of this.levels.splice(depth))
      level.box.remove();
  }

  addLevel(parent, children) {
    const depth = this.levels.length;
    const id = `${this.idPrefix}-${depth}`;
    const select = h('select', {id, name: `${this.idPrefix}-${depth}`},
      h('option', {value: ''}, this.blank(parent ? parent.name : null, depth)),
      children.map((r) => h('option', {value: r.code}, r.name)));
    const labelEl = h('label', {for: id}, levelLabel(children[0].level));
    const box = h('div', {class: 'field region-level'}, labelEl, select);
    const level = {parent, box, select, children, labelEl};
    select.addEventListener('change', () => this.choose(depth));
    this.levels.push(level);
    this.container.append(box);
    return level;
  }

  /* After the select at depth changed: drop the levels under it and offer the next one. With
   * autoSingle, a province or city level that offers one region only is chosen too: a visitor
   * should not spend a tap on a choice that is no choice. Counties, townships and villages hold
   * stations and deputies of their own, which choosing a sole region below them would hide. */
  async choose(depth) {
    const generation = ++this.generation;
    this.truncate(depth + 1);
    try {
      for (let level = this.levels[depth]; level && level.select.value; level = this.levels[++depth]) {
        const code = level.select.value;
        const parent = level.children.find((r) => r.code === code);
        const children = await regionChildren(code);
        if (generation !== this.generation)
          return;
        if (!children.length)
          break;
        const next = this.addLevel(parent, children);
        if (this.autoSingle && children.length === 1 && children[0].level <= AUTO_LEVEL_MAX)
          next.select.value = children[0].code;
      }
    } catch {
      /* the next level could not be fetched: the choice made so far still counts */
    }
    if (generation === this.generation)
      this.onChange(this.value());
  }

  /* Builds the levels for code (a region under the root, or the root itself, or null for
   * nothing chosen). Rejects when the region or a level cannot be fetched. */
  async setValue(code) {
    const generation = ++this.generation;
    let chain = [];
    let below = [];
    if (code && (!this.root || code !== this.root.code)) {
      const info = await regionInfo(code);
      const path = [...(info.path || []), {code: info.code, name: info.name, level: info.level}];
      const start = this.root ? path.findIndex((r) => r.code === this.root.code) + 1 : 0;
      if (this.root && start === 0)
        throw new Error(`${code} is not under ${this.root.code}`);
      chain = path.slice(start);
      below = info.children || [];
    } else {
      below = await regionChildren(this.root ? this.root.code : null);
    }
    const parents = [this.root, ...chain.slice(0, -1)];
    const lists = await Promise.all(parents.map((p) => regionChildren(p ? p.code : null)));
    if (generation !== this.generation)
      return;
    this.truncate(0);
    chain.forEach((r, i) => {
      if (!lists[i].length)
        return;
      this.addLevel(parents[i], lists[i]).select.value = r.code;
    });
    if (below.length)
      this.addLevel(chain.length ? chain[chain.length - 1] : this.root, below);
  }

  /* When the top level offers a single region (an install for one province or county) and
   * nothing is chosen, chooses it, and every single choice below it (see choose). Returns
   * whether it chose. */
  autoChoose() {
    const level = this.levels[0];
    if (!this.autoSingle || this.levels.length !== 1 || this.root || level.select.value || level.children.length !== 1)
      return false;
    level.select.value = level.children[0].code;
    this.choose(0);
    return true;
  }

  /* Relabels the selects after a language switch (region names stay as they are). */
  render() {
    this.levels.forEach((level, depth) => {
      level.labelEl.textContent = levelLabel(level.children[0].level);
      level.select.options[0].textContent = this.blank(level.parent ? level.parent.name : null, depth);
    });
  }
}
