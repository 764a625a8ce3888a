/* Strings of the export buttons every staff list carries (export.js). */
import {addStrings} from '../i18n.js';

addStrings({
  'zh-CN': {
    'export.csv': '导出 CSV',
    'export.xlsx': '导出 Excel',
    'export.label': '导出当前筛选的全部记录',
    'export.progress': '导出进度',
    'export.preparing': '正在准备导出文件…',
    'export.rows': '已接收 {done} / {total} 行',
    'export.bytes': '已接收 {done} / {total}',
    'export.bytes_only': '已接收 {done}',
    'export.done': '导出完成：{file}（{rows} 行）',
    'export.failed': '导出失败：{message}',
    'export.busy': '正在导出，请稍候'
  },
  en: {
    'export.csv': 'Export CSV',
    'export.xlsx': 'Export Excel',
    'export.label': 'Export every record under the current filters',
    'export.progress': 'Export progress',
    'export.preparing': 'Preparing the export…',
    'export.rows': 'Received {done} of {total} rows',
    'export.bytes': 'Received {done} of {total}',
    'export.bytes_only': 'Received {done}',
    'export.done': 'Exported {file} ({rows} rows)',
    'export.failed': 'The export failed: {message}',
    'export.busy': 'An export is under way'
  }
});
