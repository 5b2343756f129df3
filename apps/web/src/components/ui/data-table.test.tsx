import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { type Column, DataTable } from "./data-table.tsx";

interface Person {
  id: string;
  name: string;
  city: string;
  age: number;
}

const PEOPLE: Person[] = [
  { id: "1", name: "Dupont", city: "Lyon", age: 41 },
  { id: "2", name: "Martin", city: "Nantes", age: 35 },
];

const columns = (withCity: boolean): (Column<Person, "name" | "age"> | false)[] => [
  { key: "name", header: "Nom", sort: "name", cell: (person) => person.name },
  withCity && { key: "city", header: "Ville", cell: (person) => person.city },
  { key: "age", header: "Âge", sort: "age", className: "numeric", cell: (person) => person.age },
];

describe("DataTable", () => {
  it("shows one row per item under its headers, with a caption for screen readers", () => {
    render(<DataTable caption="Personnes" columns={columns(true)} rows={PEOPLE} rowKey={(person) => person.id} />);
    const table = screen.getByRole("table", { name: "Personnes" });
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((header) => header.textContent),
    ).toEqual(["Nom", "Ville", "Âge"]);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(
      rows.map((row) =>
        within(row)
          .getAllByRole("cell")
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      ["Dupont", "Lyon", "41"],
      ["Martin", "Nantes", "35"],
    ]);
    expect(table.querySelector("caption")?.className).toBe("sr-only");
  });

  it("leaves out a column given as false", () => {
    render(<DataTable caption="Personnes" columns={columns(false)} rows={PEOPLE} rowKey={(person) => person.id} />);
    expect(screen.queryByRole("columnheader", { name: "Ville" })).toBeNull();
    expect(screen.getAllByRole("cell")).toHaveLength(4);
  });

  it("marks the active sort with aria-sort and an arrow", () => {
    render(
      <DataTable
        caption="Personnes"
        columns={columns(false)}
        rows={PEOPLE}
        rowKey={(person) => person.id}
        sort={{ key: "age", order: "desc" }}
        onSort={() => {}}
      />,
    );
    const age = screen.getByRole("columnheader", { name: /Âge/ });
    expect(age.getAttribute("aria-sort")).toBe("descending");
    expect(age.textContent).toBe("Âge ▼");
    const name = screen.getByRole("columnheader", { name: /Nom/ });
    expect(name.getAttribute("aria-sort")).toBeNull();
    expect(name.textContent).toBe("Nom");
  });

  it("asks for a column's sort when its header is clicked; other headers are not buttons", () => {
    const onSort = vi.fn();
    render(
      <DataTable
        caption="Personnes"
        columns={columns(true)}
        rows={PEOPLE}
        rowKey={(person) => person.id}
        sort={{ key: "name", order: "asc" }}
        onSort={onSort}
      />,
    );
    expect(screen.getByRole("columnheader", { name: /Nom/ }).getAttribute("aria-sort")).toBe("ascending");
    fireEvent.click(screen.getByRole("button", { name: /Âge/ }));
    expect(onSort).toHaveBeenCalledWith("age");
    expect(screen.queryByRole("button", { name: "Ville" })).toBeNull();
  });

  it("has no sort buttons when the table is not sortable", () => {
    render(<DataTable caption="Personnes" columns={columns(true)} rows={PEOPLE} rowKey={(person) => person.id} />);
    expect(screen.queryAllByRole("button")).toHaveLength(0);
  });

  it("is busy while a newer page loads", () => {
    const { container } = render(
      <DataTable caption="Personnes" columns={columns(true)} rows={PEOPLE} rowKey={(p) => p.id} busy />,
    );
    expect(container.querySelector(".table-wrapper")?.getAttribute("aria-busy")).toBe("true");
  });
});
