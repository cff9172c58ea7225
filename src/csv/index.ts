/**
 * The CSV column format shared by the import and the export: header checking, row validation into a CustomerInput,
 * create parameters, the upsert diff, customer → row, and the reversible formula-injection guard.
 */
export {
  ADDRESS_PARTS,
  TAX_EXEMPT_VALUES,
  type AddressInput,
  type AddressPart,
  type CustomerInput,
  type TaxExempt,
} from './customer-input.ts';
export {
  EXPORT_COLUMNS,
  FIELD_COLUMNS,
  METADATA_PREFIX,
  READ_ONLY_COLUMNS,
  buildExportColumns,
  isExportColumn,
  type FieldColumnSpec,
} from './columns.ts';
export { COUNTRY_CODES } from './country-codes.ts';
export {
  CsvHeaderError,
  normaliseHeaderName,
  parseImportHeader,
  type ImportColumn,
  type ImportHeader,
} from './header.ts';
export { cellValue, parseCustomerRow, type RowResult } from './row.ts';
export { toCreateParams } from './create-params.ts';
export { diffCustomer } from './diff.ts';
export { customerToRow, formatCreated } from './customer-row.ts';
export { neutraliseFormula, restoreFormula } from './formula.ts';
export { LIMITS } from './validators.ts';
