import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { SelectField } from "./select-field.tsx";
import { fieldErrors, TextField } from "./text-field.tsx";

const OPTIONS = [
  { value: "PER", label: "Personnel" },
  { value: "ORG", label: "Organisationnel" },
];

describe("SelectField", () => {
  it("is labelled and lists its options after the placeholder", () => {
    render(<SelectField label="Type" placeholder="Choisir…" options={OPTIONS} />);
    const select = screen.getByLabelText("Type") as HTMLSelectElement;
    expect([...select.options].map((option) => [option.value, option.text])).toEqual([
      ["", "Choisir…"],
      ["PER", "Personnel"],
      ["ORG", "Organisationnel"],
    ]);
    expect(select.getAttribute("aria-invalid")).toBeNull();
  });

  it("has no empty choice without a placeholder", () => {
    render(<SelectField label="Type" options={OPTIONS} />);
    expect((screen.getByLabelText("Type") as HTMLSelectElement).options).toHaveLength(2);
  });

  it("shows its error next to it, announced and tied to the field", () => {
    render(<SelectField label="Type" options={OPTIONS} hint="Le type du compte" error="Choisissez un type." />);
    const select = screen.getByLabelText("Type");
    expect(select.getAttribute("aria-invalid")).toBe("true");
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toBe("Choisissez un type.");
    const describedBy = select.getAttribute("aria-describedby")?.split(" ") ?? [];
    expect(describedBy).toContain(alert.id);
    expect(describedBy).toHaveLength(2);
  });

  it("passes the select's own props (value, change, name)", () => {
    const onChange = vi.fn();
    render(<SelectField label="Type" name="type" options={OPTIONS} value="PER" onChange={onChange} />);
    const select = screen.getByLabelText("Type") as HTMLSelectElement;
    expect(select.name).toBe("type");
    expect(select.value).toBe("PER");
    fireEvent.change(select, { target: { value: "ORG" } });
    expect(onChange).toHaveBeenCalledOnce();
  });
});

describe("TextField", () => {
  it("ties its hint to the input and shows no error while there is none", () => {
    render(<TextField label="Nom" hint="Tel qu'à l'état civil" />);
    const input = screen.getByLabelText("Nom");
    expect(input.getAttribute("aria-describedby")).toBe(screen.getByText("Tel qu'à l'état civil").id);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("marks the input invalid and shows the French message", () => {
    render(<TextField label="Adresse mail" error="Adresse mail invalide" />);
    expect(screen.getByLabelText("Adresse mail").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByRole("alert").textContent).toBe("Adresse mail invalide");
  });
});

describe("fieldErrors", () => {
  it("keeps the first message of each field", () => {
    expect(
      fieldErrors([
        { path: ["email"], message: "Adresse mail obligatoire" },
        { path: ["email"], message: "Adresse mail invalide" },
        { path: ["lastName"], message: "Nom obligatoire" },
      ]),
    ).toEqual({ email: "Adresse mail obligatoire", lastName: "Nom obligatoire" });
  });
});
