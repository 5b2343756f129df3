/** "Inclure les structures filles": the lists of a structure's sections can take in its daughters. */
export function DaughtersToggle({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="checkbox">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      Inclure les structures filles
    </label>
  );
}
