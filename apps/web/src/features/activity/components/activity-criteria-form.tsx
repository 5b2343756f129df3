import { MessageDirection, messageDirectionLabels } from "@medimail/contracts/activity";
import { type FormEvent, useId, useState } from "react";
import type { ActivityCriteriaParams } from "../api/activity.ts";

/** "Critères": an address, a period in Paris days, a direction. Submitting puts them in the URL. */
export function ActivityCriteriaForm({
  initial,
  onSearch,
}: {
  initial: ActivityCriteriaParams;
  onSearch: (criteria: Omit<ActivityCriteriaParams, "daughters">) => void;
}) {
  const [address, setAddress] = useState(initial.address);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [direction, setDirection] = useState<string>(initial.direction ?? "");
  const ids = { address: useId(), from: useId(), to: useId(), direction: useId(), hint: useId() };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = MessageDirection.safeParse(direction);
    onSearch({ address: address.trim(), from, to, direction: parsed.success ? parsed.data : null });
  };
  const reset = () => {
    setAddress("");
    setFrom("");
    setTo("");
    setDirection("");
    onSearch({ address: "", from: "", to: "", direction: null });
  };
  return (
    <search aria-label="Critères de recherche des messages">
      <form className="filters" onSubmit={submit}>
        <div className="field">
          <label htmlFor={ids.address} className="field__label">
            Adresse
          </label>
          <input
            id={ids.address}
            className="field__input"
            type="email"
            aria-describedby={ids.hint}
            placeholder="prenom.nom@structure.mssante.fr"
            value={address}
            maxLength={254}
            onChange={(event) => setAddress(event.target.value)}
          />
          <p id={ids.hint} className="field__hint">
            Émetteur ou destinataire (adresse complète)
          </p>
        </div>
        <div className="field">
          <label htmlFor={ids.from} className="field__label">
            Du
          </label>
          <input
            id={ids.from}
            className="field__input"
            type="date"
            value={from}
            max={to || undefined}
            onChange={(event) => setFrom(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.to} className="field__label">
            Au
          </label>
          <input
            id={ids.to}
            className="field__input"
            type="date"
            value={to}
            min={from || undefined}
            onChange={(event) => setTo(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.direction} className="field__label">
            Sens
          </label>
          <select
            id={ids.direction}
            className="field__input"
            value={direction}
            onChange={(event) => setDirection(event.target.value)}
          >
            <option value="">Envoyés et reçus</option>
            {MessageDirection.options.map((option) => (
              <option key={option} value={option}>
                {option === "SENT" ? "Envoyés" : "Reçus"} ({messageDirectionLabels[option].toLowerCase()})
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Rechercher
        </button>
        <button type="button" className="button button--secondary" onClick={reset}>
          Effacer les critères
        </button>
      </form>
    </search>
  );
}
