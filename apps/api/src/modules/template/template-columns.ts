// The loaduser columns as the files show them: the template writes them, the exports write them, the import reads
// them back. Their titles, widths in a sheet, and which are required whatever the type of BAL (what each column
// means and accepts is the contract's LOADUSER_COLUMNS).
import type { AccountType } from "@medimail/contracts/enums";
import { LOADUSER_COLUMNS, type LoaduserKey } from "@medimail/contracts/loaduser";

export const ALL_TYPES: readonly AccountType[] = ["MED", "PER", "INT", "ORG", "APP"];

/** The loaduser columns' widths in the files (the template's and the exports'). */
export const LOADUSER_WIDTHS: Record<string, number> = {
  type: 12,
  email: 36,
  lastName: 20,
  firstName: 18,
  profession: 28,
  regionCode: 28,
  nationalId: 16,
  finessSite: 18,
  phone: 16,
  addressLine: 30,
  postcode: 12,
  city: 20,
  connectionAccounts: 40,
  description: 32,
  responsibleLastName: 20,
  responsibleFirstName: 20,
  responsibleProfession: 28,
  responsibleId: 22,
  returnAddress: 36,
  unlisted: 12,
  dematerialisation: 16,
};

/** Headers every file must have: those every type of BAL requires. The others may be left out. */
export const REQUIRED_KEYS: readonly LoaduserKey[] = LOADUSER_COLUMNS.filter(
  (column) => column.requiredFor.length === ALL_TYPES.length,
).map((column) => column.key);

const HEADER_OF = new Map(LOADUSER_COLUMNS.map((column) => [column.key, column.header]));
/** A column's title, as the template's header row writes it. */
export const headerOf = (key: LoaduserKey) => HEADER_OF.get(key) ?? key;
