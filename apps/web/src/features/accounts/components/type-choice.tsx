import { AccountType } from "@medimail/contracts/enums";
import { type FormEvent, useState } from "react";
import { TYPE_DESCRIPTIONS } from "./account-fields.tsx";

/** The five mailbox types as radio buttons with what each is for (creation, and "Changer le type de BAL"). */
export function TypeChoice({
  legend,
  submitLabel,
  current,
  onChoose,
  onCancel,
}: {
  legend: string;
  submitLabel: string;
  current?: AccountType;
  onChoose: (type: AccountType) => void;
  onCancel: (() => void) | null;
}) {
  const [chosen, setChosen] = useState<AccountType | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return setError("Choisissez un type de compte");
    onChoose(chosen);
  };
  return (
    <form onSubmit={submit} noValidate className="form">
      <fieldset className="fieldset type-choice" aria-describedby={error ? "type-erreur" : undefined}>
        <legend>{legend}</legend>
        {AccountType.options
          .filter((type) => type !== current)
          .map((type) => (
            <label key={type} className="type-choice__option">
              <input
                type="radio"
                name="type"
                value={type}
                checked={chosen === type}
                onChange={() => {
                  setChosen(type);
                  setError(null);
                }}
              />
              <span>
                <strong>
                  {type} — {TYPE_DESCRIPTIONS[type].title}
                </strong>
                <span className="muted"> {TYPE_DESCRIPTIONS[type].text}</span>
              </span>
            </label>
          ))}
      </fieldset>
      {error && (
        <p id="type-erreur" className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        {onCancel && (
          <button type="button" className="button button--secondary" onClick={onCancel}>
            Annuler
          </button>
        )}
        <button type="submit" className="button">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
