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
    'error.unknown': '操作失败（{status}），请稍后再试',

    'nav.back': '返回查找',

    'portal.find.heading': '查找联络站和人大代表',
    'portal.find.intro': '选择您所在的地区，查看当地的人大代表联络站和人大代表。',
    'portal.find.legend': '所在地区',
    'portal.search.label': '在所选地区搜索联络站或代表',
    'portal.search.placeholder': '输入代表姓名或联络站名称',
    'portal.search.submit': '搜索',
    'portal.search.clear': '清除搜索',
    'portal.search.for': '“{q}”的搜索结果',
    'portal.choose_first': '请先选择您所在的地区。',
    'portal.stations.heading': '{name}的联络站',
    'portal.stations.heading.all': '联络站',
    'portal.deputies.heading': '{name}的人大代表',
    'portal.deputies.heading.all': '人大代表',
    'portal.stations.more': '显示更多联络站',
    'portal.deputies.more': '显示更多代表',
    'portal.stations.empty': '这里暂无登记的联络站。',
    'portal.deputies.empty': '这里暂无登记的人大代表。',
    'portal.stations.none_found': '没有找到名称含“{q}”的联络站。',
    'portal.deputies.none_found': '没有找到姓名含“{q}”的代表。',
    'portal.loading': '正在加载…',
    'portal.regions.error': '地区列表暂时无法加载，请稍后刷新页面。',

    'region.level.1': '省份',
    'region.level.2': '城市',
    'region.level.3': '区县',
    'region.level.4': '乡镇（街道）',
    'region.level.5': '村（社区）',
    'region.choose': '请选择',
    'region.any': '不限（{name}全部）',
    'region.self': '{name}本级',

    'kind.home': '代表之家',
    'kind.hub': '代表联络站',
    'kind.spoke': '代表联络室/联络点',
    'kind.legislative': '基层立法联系点',
    'kind.budget': '预算工委基层联系点',
    'kind.overseas': '涉侨联系点',
    'kind.economic': '经济运行观察点',
    'kind.professional': '专业代表工作室',
    'kind.online': '网上联络站',

    'gender.male': '男',
    'gender.female': '女',

    'contact.station': '到联络站当面联系',
    'contact.online': '网上联系',
    'contact.phone': '电话联系',

    'level.1': '全国人民代表大会',
    'level.2': '省级人民代表大会',
    'level.3': '设区的市级人民代表大会',
    'level.4': '县级人民代表大会',
    'level.5': '乡镇人民代表大会',

    'record.loading': '正在加载…',
    'record.missing_id': '链接不完整：缺少编号。请从首页查找。',
    'record.qr.caption': '扫描二维码，在手机上打开本页',

    'station.title': '{name} - 人大代表联络站',
    'station.not_found': '找不到这个联络站，它可能已被撤销。',
    'station.region': '所在地区',
    'station.address': '地址',
    'station.hours': '开放时间',
    'station.contact_name': '联系人',
    'station.contact_phone': '联系电话',
    'station.hub': '所属联络站',
    'station.location': '位置',
    'station.coordinates.plain': '纬度 {lat}，经度 {lng}',
    'station.locate': '在地图中查看位置',
    'station.about': '简介',
    'station.spokes': '下设联络点',
    'station.deputies': '进站代表',
    'station.deputies.empty': '暂无登记的进站代表。',
    'station.qr.alt': '{name}的联络站服务卡（二维码）',

    'deputy.title': '{name} - 人大代表',
    'deputy.not_found': '找不到这位代表的信息。',
    'deputy.gender': '性别',
    'deputy.ethnicity': '民族',
    'deputy.occupation': '职业',
    'deputy.sector': '界别',
    'deputy.region': '所在地区',
    'deputy.contact_preference': '联系方式',
    'deputy.phone': '电话',
    'deputy.stations': '所在联络站',
    'deputy.stations.empty': '暂未登记所在联络站。',
    'deputy.seats': '代表资格',
    'deputy.seat.district': '{congress}（{district}）',
    'deputy.biography': '简介',
    'deputy.photo.alt': '{name}的照片',
    'deputy.qr.alt': '{name}的代表连心卡（二维码）',

    'registry.heading': '名册管理',
    'registry.intro': '本辖区的联络站、代表、承办单位、代表小组和人民代表大会。',
    'registry.tabs': '名册类别',
    'registry.tab.stations': '联络站',
    'registry.tab.deputies': '代表',
    'registry.tab.units': '承办单位',
    'registry.tab.groups': '代表小组',
    'registry.tab.congresses': '人代会',
    'registry.caption.stations': '本辖区的联络站',
    'registry.caption.deputies': '本辖区的人大代表',
    'registry.caption.units': '本辖区的承办单位',
    'registry.caption.groups': '本辖区的代表小组',
    'registry.caption.congresses': '本辖区的人民代表大会',
    'registry.scroll': '名册列表（可左右滚动）',
    'registry.col.actions': '操作',
    'registry.edit': '编辑',
    'registry.delete': '删除',
    'registry.more': '显示更多',
    'registry.loading': '正在加载…',
    'registry.empty': '还没有登记任何记录。',
    'registry.create.stations': '新建联络站',
    'registry.create.deputies': '新增代表',
    'registry.create.units': '新增承办单位',
    'registry.create.groups': '新建代表小组',
    'registry.create.congresses': '新增人民代表大会',
    'registry.editing': '修改“{name}”',
    'registry.submit.create': '保存',
    'registry.submit.update': '保存修改',
    'registry.cancel': '取消修改',
    'registry.created': '已添加“{name}”。',
    'registry.updated': '已保存“{name}”。',
    'registry.deleted': '已删除“{name}”。',
    'registry.confirm_delete': '确定删除“{name}”吗？删除后将不再公开显示。',
    'registry.required': '（必填）',
    'registry.none': '（无）',
    'registry.choose': '请选择',
    'registry.hint.hub_id': '类型为“代表联络室/联络点”时必填：选择它所属的代表联络站或代表之家。',
    'registry.hint.phone': '不公开显示，除非勾选“公开手机号码”。修改时留空表示不改变。',
    'registry.hint.photo': '本站照片的地址，例如 /photos/1.jpg',
    'registry.hint.latitude': '例如 26.58，可留空',
    'registry.hint.longitude': '例如 104.83，可留空',
    'registry.hint.stations': '可选多个。只能选择代表所在地区内的联络站。',
    'registry.hint.region': '默认为您所在的地区，可细分到乡镇、村。',
    'registry.stations.empty': '本辖区还没有联络站。',
    'registry.search.stations': '按名称查找联络站',
    'registry.search.deputies': '按姓名查找代表',
    'registry.search.units': '按名称查找承办单位',
    'registry.search.groups': '按名称查找代表小组',
    'registry.search.congresses': '按名称查找人民代表大会',
    'registry.search.submit': '查找',
    'registry.none_found': '没有找到含“{q}”的记录。',

    'field.name': '名称',
    'field.deputy.name': '姓名',
    'field.kind': '类型',
    'field.region': '地区',
    'field.hub_id': '所属联络站',
    'field.address': '地址',
    'field.latitude': '纬度',
    'field.longitude': '经度',
    'field.hours': '开放时间',
    'field.contact_name': '联系人',
    'field.contact_phone': '联系电话',
    'field.description': '简介',
    'field.gender': '性别',
    'field.ethnicity': '民族',
    'field.occupation': '职业',
    'field.sector': '界别',
    'field.biography': '简介',
    'field.photo': '照片地址',
    'field.contact_preference': '联系方式',
    'field.phone': '手机号码',
    'field.phone_public': '公开手机号码',
    'field.group_id': '代表小组',
    'field.stations': '所在联络站',
    'field.parent_government': '所属政府',
    'field.leader_id': '组长',
    'field.station_id': '联系的联络站',
    'field.level': '层级',
    'field.term': '届次',

    'reason.hub_required': '代表联络室/联络点须选择所属的联络站',
    'reason.hub_kind': '须选择代表联络站或代表之家',
    'reason.no_record': '所选的记录不存在或已被删除',
    'reason.no_region': '没有这个地区',
    'reason.other_county': '须选择同一区县内的记录',
    'reason.station_outside': '只能选择代表所在地区内的联络站',
    'reason.congress_level': '人民代表大会的层级与地区不相符',
    'reason.national_region': '全国人民代表大会不属于某个地区',
    'reason.congress_region': '地方人民代表大会须选择地区',
    'reason.length': '须为 {min} 至 {max} 个字',
    'reason.length.max': '不能超过 {max} 个字',
    'reason.number': '须为 {min} 至 {max} 之间的数',
    'reason.choice': '请从列表中选择',
    'reason.characters': '含有无法识别的字符',

    'error.conflict': '与已有的记录冲突',
    'error.not_found': '记录不存在或已被删除'
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
    'error.unknown': 'Something went wrong ({status}). Please try again later',

    'nav.back': 'Back to search',

    'portal.find.heading': 'Find liaison stations and deputies',
    'portal.find.intro': "Choose where you live to see the liaison stations and people's deputies there.",
    'portal.find.legend': 'Where you live',
    'portal.search.label': 'Search stations or deputies in the chosen area',
    'portal.search.placeholder': 'Deputy or station name',
    'portal.search.submit': 'Search',
    'portal.search.clear': 'Clear search',
    'portal.search.for': 'Results for “{q}”',
    'portal.choose_first': 'First choose where you live.',
    'portal.stations.heading': 'Liaison stations in {name}',
    'portal.stations.heading.all': 'Liaison stations',
    'portal.deputies.heading': "People's deputies in {name}",
    'portal.deputies.heading.all': "People's deputies",
    'portal.stations.more': 'Show more stations',
    'portal.deputies.more': 'Show more deputies',
    'portal.stations.empty': 'No liaison stations are registered here yet.',
    'portal.deputies.empty': 'No deputies are registered here yet.',
    'portal.stations.none_found': 'No station name contains “{q}”.',
    'portal.deputies.none_found': 'No deputy name contains “{q}”.',
    'portal.loading': 'Loading…',
    'portal.regions.error': 'The list of areas cannot be loaded now. Please reload the page later.',

    'region.level.1': 'Province',
    'region.level.2': 'City',
    'region.level.3': 'County or district',
    'region.level.4': 'Township or street',
    'region.level.5': 'Village or community',
    'region.choose': 'Choose',
    'region.any': 'Any (all of {name})',
    'region.self': '{name} itself',

    'kind.home': "Deputies' home",
    'kind.hub': 'Liaison station',
    'kind.spoke': 'Liaison point',
    'kind.legislative': 'Grassroots legislative contact point',
    'kind.budget': 'Budget committee contact point',
    'kind.overseas': 'Overseas Chinese contact point',
    'kind.economic': 'Economic observation point',
    'kind.professional': "Professional deputies' studio",
    'kind.online': 'Online liaison station',

    'gender.male': 'Male',
    'gender.female': 'Female',

    'contact.station': 'In person at the liaison station',
    'contact.online': 'Online',
    'contact.phone': 'By phone',

    'level.1': "National People's Congress",
    'level.2': "Provincial people's congress",
    'level.3': "City people's congress",
    'level.4': "County people's congress",
    'level.5': "Township people's congress",

    'record.loading': 'Loading…',
    'record.missing_id': 'This link is incomplete (no number). Please search from the home page.',
    'record.qr.caption': 'Scan to open this page on a phone',

    'station.title': '{name} - Liaison',
    'station.not_found': 'This liaison station cannot be found; it may have closed.',
    'station.region': 'Area',
    'station.address': 'Address',
    'station.hours': 'Opening hours',
    'station.contact_name': 'Contact person',
    'station.contact_phone': 'Phone',
    'station.hub': 'Belongs to',
    'station.location': 'Location',
    'station.coordinates.plain': 'Latitude {lat}, longitude {lng}',
    'station.locate': 'Show on a map',
    'station.about': 'About',
    'station.spokes': 'Liaison points under this station',
    'station.deputies': 'Deputies at this station',
    'station.deputies.empty': 'No deputies are registered at this station yet.',
    'station.qr.alt': 'QR code of the service card of {name}',

    'deputy.title': '{name} - Liaison',
    'deputy.not_found': 'This deputy cannot be found.',
    'deputy.gender': 'Gender',
    'deputy.ethnicity': 'Ethnicity',
    'deputy.occupation': 'Occupation',
    'deputy.sector': 'Sector',
    'deputy.region': 'Area',
    'deputy.contact_preference': 'Prefers to be contacted',
    'deputy.phone': 'Phone',
    'deputy.stations': 'Liaison stations',
    'deputy.stations.empty': 'No liaison station is registered yet.',
    'deputy.seats': 'Seats',
    'deputy.seat.district': '{congress} ({district})',
    'deputy.biography': 'Biography',
    'deputy.photo.alt': 'Photo of {name}',
    'deputy.qr.alt': 'QR code of the contact card of {name}',

    'registry.heading': 'Registry',
    'registry.intro': "Liaison stations, deputies, handling units, deputy groups and people's congresses of your region.",
    'registry.tabs': 'Registry lists',
    'registry.tab.stations': 'Stations',
    'registry.tab.deputies': 'Deputies',
    'registry.tab.units': 'Units',
    'registry.tab.groups': 'Groups',
    'registry.tab.congresses': 'Congresses',
    'registry.caption.stations': 'Liaison stations in your region',
    'registry.caption.deputies': "People's deputies in your region",
    'registry.caption.units': 'Handling units in your region',
    'registry.caption.groups': 'Deputy groups in your region',
    'registry.caption.congresses': "People's congresses in your region",
    'registry.scroll': 'Registry list (scrolls sideways)',
    'registry.col.actions': 'Actions',
    'registry.edit': 'Edit',
    'registry.delete': 'Delete',
    'registry.more': 'Show more',
    'registry.loading': 'Loading…',
    'registry.empty': 'Nothing registered yet.',
    'registry.create.stations': 'New liaison station',
    'registry.create.deputies': 'New deputy',
    'registry.create.units': 'New handling unit',
    'registry.create.groups': 'New deputy group',
    'registry.create.congresses': "New people's congress",
    'registry.editing': 'Edit “{name}”',
    'registry.submit.create': 'Save',
    'registry.submit.update': 'Save changes',
    'registry.cancel': 'Cancel editing',
    'registry.created': '“{name}” added.',
    'registry.updated': '“{name}” saved.',
    'registry.deleted': '“{name}” deleted.',
    'registry.confirm_delete': 'Delete “{name}”? It will no longer be shown to the public.',
    'registry.required': ' (required)',
    'registry.none': '(none)',
    'registry.choose': 'Choose',
    'registry.hint.hub_id': 'Required for a liaison point: the liaison station or deputies\' home it belongs to.',
    'registry.hint.phone': 'Not shown unless “Publish the mobile number” is ticked. When editing, leave empty to keep it.',
    'registry.hint.photo': 'Address of the photo on this site, e.g. /photos/1.jpg',
    'registry.hint.latitude': 'For example 26.58; may be left empty',
    'registry.hint.longitude': 'For example 104.83; may be left empty',
    'registry.hint.stations': 'Choose one or more, inside the deputy\'s area.',
    'registry.hint.region': 'Your own region by default; choose a township or village to be more precise.',
    'registry.stations.empty': 'No liaison stations in your region yet.',
    'registry.search.stations': 'Find a station by name',
    'registry.search.deputies': 'Find a deputy by name',
    'registry.search.units': 'Find a unit by name',
    'registry.search.groups': 'Find a group by name',
    'registry.search.congresses': 'Find a congress by name',
    'registry.search.submit': 'Find',
    'registry.none_found': 'Nothing contains “{q}”.',

    'field.name': 'Name',
    'field.deputy.name': 'Name',
    'field.kind': 'Kind',
    'field.region': 'Area',
    'field.hub_id': 'Belongs to station',
    'field.address': 'Address',
    'field.latitude': 'Latitude',
    'field.longitude': 'Longitude',
    'field.hours': 'Opening hours',
    'field.contact_name': 'Contact person',
    'field.contact_phone': 'Contact phone',
    'field.description': 'Description',
    'field.gender': 'Gender',
    'field.ethnicity': 'Ethnicity',
    'field.occupation': 'Occupation',
    'field.sector': 'Sector',
    'field.biography': 'Biography',
    'field.photo': 'Photo address',
    'field.contact_preference': 'Contact preference',
    'field.phone': 'Mobile number',
    'field.phone_public': 'Publish the mobile number',
    'field.group_id': 'Deputy group',
    'field.stations': 'Liaison stations',
    'field.parent_government': 'Parent government',
    'field.leader_id': 'Leader',
    'field.station_id': 'Linked station',
    'field.level': 'Level',
    'field.term': 'Term',

    'reason.hub_required': 'a liaison point needs the station it belongs to',
    'reason.hub_kind': 'choose a liaison station or a deputies\' home',
    'reason.no_record': 'the chosen record does not exist or was deleted',
    'reason.no_region': 'no such area',
    'reason.other_county': 'choose a record in the same county',
    'reason.station_outside': 'choose stations inside the deputy\'s area',
    'reason.congress_level': 'the congress level does not match the area',
    'reason.national_region': 'the National People\'s Congress has no area',
    'reason.congress_region': 'a local congress needs its area',
    'reason.length': 'use {min} to {max} characters',
    'reason.length.max': 'use at most {max} characters',
    'reason.number': 'give a number from {min} to {max}',
    'reason.choice': 'choose from the list',
    'reason.characters': 'contains characters that cannot be read',

    'error.conflict': 'this conflicts with an existing record',
    'error.not_found': 'this record does not exist or was deleted'
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
