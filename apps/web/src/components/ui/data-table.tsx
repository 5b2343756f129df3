import type { ReactNode } from "react";

export interface Column<T, S extends string = string> {
  /** unique among the columns */
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** the sort this column's header applies (a button); absent for a column that does not sort */
  sort?: S;
  /** on the header and the cells, e.g. "numeric" */
  className?: string;
}

export interface TableSort<S extends string = string> {
  key: S;
  order: "asc" | "desc";
}

/**
 * A table of rows with a caption (read by screen readers; hidden unless `captionClassName` says otherwise) and
 * sortable headers: the active one has aria-sort and an arrow, a click asks `onSort` for that column's sort.
 * A column given as false (or null) is left out, so optional columns can be written inline.
 */
export function DataTable<T, S extends string = string>({
  caption,
  captionClassName = "sr-only",
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  compact = false,
  busy,
}: {
  caption: string;
  captionClassName?: string;
  columns: readonly (Column<T, S> | false | null | undefined)[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  sort?: TableSort<S>;
  onSort?: (sort: S) => void;
  compact?: boolean;
  /** while a newer page loads (aria-busy on the wrapper) */
  busy?: boolean;
}) {
  const shown = columns.filter((column): column is Column<T, S> => Boolean(column));
  return (
    <div className="table-wrapper" aria-busy={busy}>
      <table className={compact ? "table table--compact" : "table"}>
        <caption className={captionClassName}>{caption}</caption>
        <thead>
          <tr>
            {shown.map((column) => (
              <HeaderCell key={column.key} column={column} sort={sort} onSort={onSort} />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {shown.map((column) => (
                <td key={column.key} className={column.className}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HeaderCell<T, S extends string>({
  column,
  sort,
  onSort,
}: {
  column: Column<T, S>;
  sort: TableSort<S> | undefined;
  onSort: ((sort: S) => void) | undefined;
}) {
  const sortKey = column.sort;
  if (sortKey === undefined || !onSort) {
    return (
      <th scope="col" className={column.className}>
        {column.header}
      </th>
    );
  }
  const active = sort?.key === sortKey;
  const ascending = sort?.order === "asc";
  return (
    <th
      scope="col"
      className={column.className}
      aria-sort={active ? (ascending ? "ascending" : "descending") : undefined}
    >
      <button type="button" className="sort-button" onClick={() => onSort(sortKey)}>
        {column.header}
        <span aria-hidden="true">{active ? (ascending ? " ▲" : " ▼") : ""}</span>
      </button>
    </th>
  );
}
