/* Strings of the record-book page (book.html). */
import {addStrings} from '../i18n.js';

addStrings({
  'zh-CN': {
    'book.page': '记录簿',
    'book.back': '返回工作台',
    'book.kind': '记录簿',
    'book.reception': '接待走访群众记录簿',
    'book.opinions': '建议意见情况记录簿',
    'book.feedback': '反馈群众意见和诉求情况记录簿',
    'book.from': '开始日期',
    'book.to': '结束日期',
    'book.show': '查看',
    'book.print': '打印',
    'book.xlsx': '下载 Excel',
    'book.csv': '下载 CSV',
    'book.loading': '正在读取记录簿…',
    'book.count': '共 {n} 条记录',
    'book.empty': '这段时间没有记录。',
    'book.meta': '{station} · {period}',
    'book.all_time': '全部时间',
    'book.no_station': '请从工作台的联络站打开记录簿（地址中缺少联络站编号）。',
    'book.error': '无法读取记录簿：{message}'
  },
  en: {
    'book.page': 'Record book',
    'book.back': 'Back to the workspace',
    'book.kind': 'Record book',
    'book.reception': 'Reception and visit record',
    'book.opinions': 'Opinions and suggestions record',
    'book.feedback': 'Feedback record',
    'book.from': 'From',
    'book.to': 'To',
    'book.show': 'Show',
    'book.print': 'Print',
    'book.xlsx': 'Download Excel',
    'book.csv': 'Download CSV',
    'book.loading': 'Reading the record book…',
    'book.count': '{n} entries',
    'book.empty': 'No entries in this period.',
    'book.meta': '{station} · {period}',
    'book.all_time': 'all time',
    'book.no_station': 'Open a record book from a station in the workspace (the address lacks the station number).',
    'book.error': 'Cannot read the record book: {message}'
  }
});
