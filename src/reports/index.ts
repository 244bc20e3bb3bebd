export { runReport, toJson, type ReportDeps, type ReportFormat, type ReportIo, type ReportKind, type ReportOptions } from './run-report.js';
export { buildAnalyzeReport, type AnalyzeReport } from './analyze.js';
export { buildGeolocateReport, type GeolocateReport } from './geolocate.js';
export { csvCell, EXPORT_COLUMNS, exportRows, toCsv, toText } from './export-alerts.js';
export { loadReportHistory, ReportHistoryError, type ReportHistory } from './load-history.js';
