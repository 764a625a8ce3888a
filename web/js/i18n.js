/* i18n: the zh-CN and en dictionaries, t(key), and the language switch.
 *
 * Pages are written in Simplified Chinese; elements carrying data-i18n (text),
 * data-i18n-placeholder or data-i18n-aria-label are re-labelled from the dictionary
 * of the chosen language. The choice is kept in localStorage under "liaison.lang".
 * Changing it dispatches a "langchange" event on document so scripts can re-render
 * what they built themselves. */

export const STORAGE_KEY = 'liaison.lang';
export const DEFAULT_LANG = 'zh-CN';

export const dictionaries = {
  'zh-CN': {
    'app.name': '人大代表联络站',
    'app.tagline': '联系群众 · 服务代表',
    'lang.label': '语言',
    'skip': '跳到主要内容',
    'footer.text': '人大代表联络站 · Liaison',
    'footer.version': '版本 {version}',
    'nav.home': '首页',
    'nav.staff': '工作台',

    'portal.title': '人大代表联络站',
    'portal.heading': '连接群众与人大代表',
    'portal.lead': '人大代表联络站是各级人大代表联系群众、听取意见和建议的地方。本网站是联络站的网上平台，供联络站工作人员、人大代表、承办单位和代表工委使用。',
    'portal.visit': '如需反映意见，欢迎到就近的人大代表联络站当面反映。',
    'portal.staff.heading': '工作人员入口',
    'portal.staff.text': '已开通账号的工作人员请由此登录工作台。',
    'portal.staff.link': '进入工作台',

    'staff.title': '工作台 - 人大代表联络站',
    'staff.heading': '工作台',
    'staff.loading': '正在加载…',
    'staff.noscript': '工作台需要启用 JavaScript。',

    'login.heading': '登录',
    'login.intro': '请使用代表工委为您开设的账号登录。',
    'login.username': '用户名',
    'login.password': '密码',
    'login.submit': '登录',

    'session.heading': '我的账号',
    'session.name': '姓名',
    'session.role': '角色',
    'session.region': '所属地区代码',
    'session.signout': '退出登录',
    'session.signed_out': '您已退出登录。',
    'session.expired': '登录已失效，请重新登录。',

    'role.public': '公众',
    'role.admin': '管理员（代表工委）',
    'role.staff': '联络站工作人员',
    'role.deputy': '人大代表',
    'role.unit': '承办单位',
    'role.member': '常委会组成人员',

    'password.heading': '修改密码',
    'password.current': '当前密码',
    'password.new': '新密码',
    'password.new.hint': '至少 8 个字符。修改后，您在其他设备上的登录将失效。',
    'password.confirm': '再次输入新密码',
    'password.submit': '修改密码',
    'password.done': '密码已修改。',

    'users.heading': '账号管理',
    'users.caption': '本辖区内的账号',
    'users.scroll': '账号列表（可左右滚动）',
    'users.col.username': '用户名',
    'users.col.display_name': '姓名',
    'users.col.role': '角色',
    'users.col.region': '地区代码',
    'users.col.status': '状态',
    'users.col.created': '创建日期',
    'users.status.active': '正常',
    'users.status.disabled': '已停用',
    'users.empty': '暂无账号。',
    'users.loading': '正在加载账号…',
    'users.more': '显示更多账号',

    'create.heading': '新建账号',
    'create.username': '用户名',
    'create.username.hint': '3 至 32 位字母、数字或 _ . -',
    'create.display_name': '姓名',
    'create.display_name.hint': '显示给其他用户的名称，例如“李联络员”。',
    'create.password': '初始密码',
    'create.password.hint': '至少 8 个字符，请告知本人并提醒其登录后修改。',
    'create.role': '角色',
    'create.region': '所属地区代码',
    'create.region.hint': '12 位行政区划代码，默认为您所在的地区。',
    'create.submit': '创建账号',
    'create.done': '已创建账号“{name}”。',

    'field.separator': '：',

    'error.invalid_credentials': '用户名或密码错误',
    'error.too_many_attempts': '登录失败次数过多，请稍后再试',
    'error.too_many_attempts.wait': '登录失败次数过多，请在 {seconds} 秒后再试',
    'error.csrf': '页面已过期，请刷新页面后重试',
    'error.username_taken': '已被使用，请换一个',
    'error.invalid': '填写的内容不符合要求',
    'error.invalid.username': '须为 3 至 32 位字母、数字或 _ . -',
    'error.invalid.display_name': '须为 1 至 40 个字符',
    'error.invalid.password': '至少需要 8 个字符',
    'error.invalid.new_password': '至少需要 8 个字符',
    'error.invalid.role': '请从列表中选择角色',
    'error.invalid.region': '须为已登记地区的 12 位行政区划代码',
    'error.out_of_scope': '超出了您的管辖范围',
    'error.forbidden': '您没有权限执行此操作',
    'error.wrong_password': '输入的密码不正确',
    'error.required': '此项为必填项',
    'error.mismatch': '与新密码不一致',
    'error.unauthenticated': '请先登录',
    'error.network': '无法连接服务器，请检查网络后重试',
    'error.unknown': '操作失败（{status}），请稍后再试'
  },

  en: {
    'app.name': 'Liaison',
    'app.tagline': 'Deputy liaison stations',
    'lang.label': 'Language',
    'skip': 'Skip to main content',
    'footer.text': '人大代表联络站 · Liaison',
    'footer.version': 'Version {version}',
    'nav.home': 'Home',
    'nav.staff': 'Staff workspace',

    'portal.title': "Liaison - People's deputy liaison stations",
    'portal.heading': "Connecting constituents with their people's deputies",
    'portal.lead': "A people's deputy liaison station is where deputies at every level meet constituents and hear their opinions and suggestions. This site is the stations' online platform, used by station staff, deputies, handling units and deputy-affairs offices.",
    'portal.visit': 'To raise an opinion, you are welcome to visit your nearest liaison station in person.',
    'portal.staff.heading': 'For staff',
    'portal.staff.text': 'If you have an account, sign in to the staff workspace here.',
    'portal.staff.link': 'Go to the staff workspace',

    'staff.title': 'Staff workspace - Liaison',
    'staff.heading': 'Staff workspace',
    'staff.loading': 'Loading…',
    'staff.noscript': 'The staff workspace needs JavaScript.',

    'login.heading': 'Sign in',
    'login.intro': 'Sign in with the account your deputy-affairs office gave you.',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Sign in',

    'session.heading': 'My account',
    'session.name': 'Name',
    'session.role': 'Role',
    'session.region': 'Region code',
    'session.signout': 'Sign out',
    'session.signed_out': 'You have signed out.',
    'session.expired': 'Your session has ended. Please sign in again.',

    'role.public': 'Public',
    'role.admin': 'Administrator (deputy-affairs office)',
    'role.staff': 'Liaison station staff',
    'role.deputy': "People's deputy",
    'role.unit': 'Handling unit',
    'role.member': 'Standing committee member',

    'password.heading': 'Change password',
    'password.current': 'Current password',
    'password.new': 'New password',
    'password.new.hint': 'At least 8 characters. Changing it signs you out on your other devices.',
    'password.confirm': 'New password again',
    'password.submit': 'Change password',
    'password.done': 'Your password has been changed.',

    'users.heading': 'Accounts',
    'users.caption': 'Accounts in your region',
    'users.scroll': 'Account list (scrolls sideways)',
    'users.col.username': 'Username',
    'users.col.display_name': 'Name',
    'users.col.role': 'Role',
    'users.col.region': 'Region code',
    'users.col.status': 'Status',
    'users.col.created': 'Created',
    'users.status.active': 'Active',
    'users.status.disabled': 'Disabled',
    'users.empty': 'No accounts yet.',
    'users.loading': 'Loading accounts…',
    'users.more': 'Show more accounts',

    'create.heading': 'Create an account',
    'create.username': 'Username',
    'create.username.hint': '3 to 32 letters, digits, _ . or -',
    'create.display_name': 'Name',
    'create.display_name.hint': 'The name other users see, for example “Li, liaison officer”.',
    'create.password': 'Initial password',
    'create.password.hint': 'At least 8 characters. Tell the person and ask them to change it after signing in.',
    'create.role': 'Role',
    'create.region': 'Region code',
    'create.region.hint': '12-digit administrative code; your own region by default.',
    'create.submit': 'Create account',
    'create.done': 'Account “{name}” created.',

    'field.separator': ': ',

    'error.invalid_credentials': 'Wrong username or password',
    'error.too_many_attempts': 'Too many failed sign-ins. Please try again later',
    'error.too_many_attempts.wait': 'Too many failed sign-ins. Please try again in {seconds} seconds',
    'error.csrf': 'This page is out of date. Please reload it and try again',
    'error.username_taken': 'already taken; choose another',
    'error.invalid': 'this value is not accepted',
    'error.invalid.username': 'use 3 to 32 letters, digits, _ . or -',
    'error.invalid.display_name': 'use 1 to 40 characters',
    'error.invalid.password': 'use at least 8 characters',
    'error.invalid.new_password': 'use at least 8 characters',
    'error.invalid.role': 'choose a role from the list',
    'error.invalid.region': 'give the 12-digit code of a registered region',
    'error.out_of_scope': 'That is outside your region',
    'error.forbidden': 'You are not allowed to do this',
    'error.wrong_password': 'this is not your current password',
    'error.required': 'this field is required',
    'error.mismatch': 'does not match the new password',
    'error.unauthenticated': 'Please sign in first',
    'error.network': 'Cannot reach the server. Check your connection and try again',
    'error.unknown': 'Something went wrong ({status}). Please try again later'
  }
};

export const LANGUAGES = Object.keys(dictionaries);

function readStored() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; /* storage may be switched off; fall back to the default */
  }
}

function writeStored(lang) {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* not persisted, but the page still switches */
  }
}

let current = LANGUAGES.includes(readStored()) ? readStored() : DEFAULT_LANG;

export function getLang() {
  return current;
}

/* has(key): whether the current (or default) dictionary knows key. */
export function has(key) {
  return key in dictionaries[current] || key in dictionaries[DEFAULT_LANG];
}

/* t('create.done', {name: 'x'}) -> the string in the current language with {name} filled in.
 * Unknown keys come back as the key itself, so a gap is visible rather than blank. */
export function t(key, vars) {
  let s = dictionaries[current][key];
  if (s === undefined)
    s = dictionaries[DEFAULT_LANG][key];
  if (s === undefined)
    return key;
  if (vars)
    s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return s;
}

/* Re-labels every marked element under root and sets <html lang>. */
export function applyTranslations(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll('[data-i18n]'))
    el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]'))
    el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  for (const el of root.querySelectorAll('[data-i18n-aria-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  for (const button of document.querySelectorAll('[data-lang]'))
    button.setAttribute('aria-pressed', String(button.dataset.lang === current));
}

export function setLang(lang) {
  if (!LANGUAGES.includes(lang))
    return;
  current = lang;
  writeStored(lang);
  applyTranslations();
  document.dispatchEvent(new CustomEvent('langchange', {detail: {lang}}));
}

/* Wires the buttons carrying data-lang and translates the page once. */
export function initI18n() {
  for (const button of document.querySelectorAll('[data-lang]'))
    button.addEventListener('click', () => setLang(button.dataset.lang));
  applyTranslations();
}
