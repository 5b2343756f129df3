import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { Tabs } from "./tabs.tsx";

const TABS = [
  { key: "a", label: "Validés", count: 1200 },
  { key: "b", label: "À valider", count: null },
  { key: "c", label: "Rejetés" },
] as const;

function Example() {
  const [selected, setSelected] = useState<"a" | "b" | "c">("a");
  return (
    <Tabs label="Comptes par état" idPrefix="onglet" tabs={TABS} selected={selected} onSelect={setSelected}>
      <p>contenu {selected}</p>
    </Tabs>
  );
}

describe("Tabs", () => {
  it("marks the selected tab, puts only it in the tab order, and labels the panel by it", () => {
    render(<Example />);
    const [first, second] = screen.getAllByRole("tab");
    expect(first?.getAttribute("aria-selected")).toBe("true");
    expect(first?.tabIndex).toBe(0);
    expect(second?.getAttribute("aria-selected")).toBe("false");
    expect(second?.tabIndex).toBe(-1);
    const panel = screen.getByRole("tabpanel");
    expect(panel.getAttribute("aria-labelledby")).toBe("onglet-a");
    expect(panel.id).toBe("onglet-contenu");
    expect(panel.textContent).toBe("contenu a");
  });

  it("shows a count in French digits only where there is one", () => {
    render(<Example />);
    const [first, second, third] = screen.getAllByRole("tab");
    expect(first?.querySelector(".tabs__count")?.textContent).toBe((1200).toLocaleString("fr-FR"));
    expect(second?.querySelector(".tabs__count")).toBeNull();
    expect(third?.querySelector(".tabs__count")).toBeNull();
  });

  it("selects a tab on click", () => {
    render(<Example />);
    fireEvent.click(screen.getByRole("tab", { name: "Rejetés" }));
    expect(screen.getByRole("tabpanel").textContent).toBe("contenu c");
  });

  it("moves with the arrow keys, wrapping around, and focuses the new tab", () => {
    render(<Example />);
    fireEvent.keyDown(screen.getByRole("tab", { name: /Validés/ }), { key: "ArrowLeft" });
    expect(screen.getByRole("tabpanel").textContent).toBe("contenu c");
    expect(document.activeElement?.id).toBe("onglet-c");
    fireEvent.keyDown(screen.getByRole("tab", { name: "Rejetés" }), { key: "ArrowRight" });
    expect(screen.getByRole("tabpanel").textContent).toBe("contenu a");
    fireEvent.keyDown(screen.getByRole("tab", { name: /Validés/ }), { key: "Enter" });
    expect(screen.getByRole("tabpanel").textContent).toBe("contenu a");
  });
});
